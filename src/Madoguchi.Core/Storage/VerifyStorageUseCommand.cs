using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Storage;

/// <summary>One account's recorded storage use beside a recount from its stored originals.</summary>
public sealed record StorageDrift(Guid AccountId, string AccountName, long RecordedBytes, long RecordedOriginals, long ActualBytes, long ActualOriginals,
    bool HoldersDiffer, bool Fixed)
{
    public long DriftBytes => RecordedBytes - ActualBytes;

    public bool HasDrift => DriftBytes != 0 || RecordedOriginals != ActualOriginals || HoldersDiffer;
}

/// <summary>Recounts every account's storage use from the originals its messages hold (each once per account) and reports
/// each account whose recorded use (<see cref="AccountStorageUsage"/>, <see cref="CountedOriginal"/>) differs; with
/// <c>fix</c> rewrites them to the recount, one account per transaction, and writes an audit entry. Run it when mail is
/// quiet: a message stored during an account's recount can make that account drift again by that message.</summary>
public sealed class VerifyStorageUseCommand(MadoguchiDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<IReadOnlyList<StorageDrift>> HandleAsync(Actor actor, bool fix, CancellationToken ct)
    {
        var accounts = await db.Accounts.AsNoTracking().OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Select(a => new { a.Id, a.Name }).ToListAsync(ct);
        var report = new List<StorageDrift>();
        foreach (var account in accounts)
        {
            await using var transaction = fix ? await db.Database.BeginTransactionAsync(ct) : null;
            var expected = await ExpectedOriginalsAsync(db, account.Id, ct);
            var recorded = await db.CountedOriginals.AsNoTracking().Where(c => c.AccountId == account.Id)
                .ToDictionaryAsync(c => c.BlobHash, StringComparer.Ordinal, ct);
            var usage = await db.AccountStorageUsages.AsNoTracking().Where(u => u.AccountId == account.Id)
                .Select(u => new { u.Bytes, u.MessageCount }).SingleOrDefaultAsync(ct);
            var holdersDiffer = recorded.Count != expected.Count
                || expected.Any(e => !recorded.TryGetValue(e.BlobHash, out var r) || r.Holders != e.Holders || r.Size != e.Size);
            var drift = new StorageDrift(account.Id, account.Name, usage?.Bytes ?? 0, usage?.MessageCount ?? 0,
                expected.Sum(e => e.Size), expected.Count, holdersDiffer, Fixed: false);
            if (fix && drift.HasDrift)
            {
                await RewriteAsync(account.Id, expected, ct);
                audit.Record(AuditAction.StorageUseRecounted, account.Id, actor,
                    detail: $"{drift.RecordedBytes} → {drift.ActualBytes} bytes, {drift.RecordedOriginals} → {drift.ActualOriginals} originals");
                await db.SaveChangesAsync(ct);
                await transaction!.CommitAsync(ct);
                drift = drift with { Fixed = true };
            }
            report.Add(drift);
        }
        return report;
    }

    /// <summary>What the account's use should be: each original one of its messages holds, once, with how many hold it.
    /// Received messages hold their <c>RawMessage</c>; sent ones the original in their outbox row.</summary>
    internal static async Task<List<CountedOriginal>> ExpectedOriginalsAsync(MadoguchiDbContext db, Guid accountId, CancellationToken ct)
    {
        var received = await (from m in db.TicketMessages.AsNoTracking()
                              join r in db.RawMessages.AsNoTracking() on m.RawMessageId equals r.Id
                              where m.AccountId == accountId && r.DeletedAt == null
                              select new { r.BlobHash, r.Size }).ToListAsync(ct);
        var sent = await db.OutgoingMessages.AsNoTracking().Where(o => o.AccountId == accountId)
            .Select(o => new { o.BlobHash, o.Size }).ToListAsync(ct);
        return [.. received.Concat(sent).GroupBy(o => o.BlobHash, StringComparer.Ordinal)
            .Select(g => new CountedOriginal { AccountId = accountId, BlobHash = g.Key, Size = g.Max(o => o.Size), Holders = g.Count() })];
    }

    private async Task RewriteAsync(Guid accountId, List<CountedOriginal> expected, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await db.CountedOriginals.Where(c => c.AccountId == accountId).ExecuteDeleteAsync(ct);
        db.CountedOriginals.AddRange(expected);
        var bytes = expected.Sum(e => e.Size);
        var count = expected.Count;
        var updated = await db.AccountStorageUsages.Where(u => u.AccountId == accountId).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.Bytes, bytes).SetProperty(u => u.MessageCount, count).SetProperty(u => u.UpdatedAt, now), ct);
        if (updated == 0)
            db.AccountStorageUsages.Add(new AccountStorageUsage { AccountId = accountId, Bytes = bytes, MessageCount = count, UpdatedAt = now });
    }
}
