using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Storage;

/// <summary>The one way to change an account's storage use (容量): <see cref="Count"/> an original a message now holds
/// (received by the pipeline; sending calls it for each sent original), <see cref="Release"/> one a deleted message held,
/// then <see cref="FlushAsync"/> inside the same transaction, just before it commits. Each original (by SHA-256) is
/// counted once per account (<see cref="CountedOriginal"/>), however many messages hold it. Safe beside other instances:
/// use changes are atomic <c>Bytes = Bytes ± n</c> updates; two instances first counting the same original at once
/// collide on the counted row's key, and the pipeline's retry counts it as a second holder.</summary>
public sealed class PendingStorageUsage(MadoguchiDbContext db, TimeProvider time)
{
    private static readonly Type[] CountedRows = [typeof(CountedOriginal)];

    private readonly Dictionary<(Guid Account, string Hash), (long Size, int Holders)> _pending = [];

    /// <summary>A message now holds this original.</summary>
    public void Count(Guid accountId, string blobHash, long size) => Change(accountId, blobHash, size, 1);

    /// <summary>A message holding this original was deleted.</summary>
    public void Release(Guid accountId, string blobHash, long size) => Change(accountId, blobHash, size, -1);

    private void Change(Guid accountId, string blobHash, long size, int holders)
    {
        var key = (accountId, blobHash);
        var (_, h) = _pending.GetValueOrDefault(key);
        _pending[key] = (size, h + holders);
    }

    /// <summary>Writes the pending changes (and anything else the context tracks). Call inside the transaction.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var account in _pending.Where(p => p.Value.Holders != 0).GroupBy(p => p.Key.Account))
        {
            var changes = account.ToDictionary(p => p.Key.Hash, p => p.Value, StringComparer.Ordinal);
            var hashes = changes.Keys.ToList();
            var counted = await db.CountedOriginals.Where(c => c.AccountId == account.Key && hashes.Contains(c.BlobHash))
                .Select(c => new { c.BlobHash, c.Holders, c.Size }).ToDictionaryAsync(c => c.BlobHash, StringComparer.Ordinal, ct);
            long bytes = 0;
            var originals = 0;
            foreach (var byDelta in changes.Where(c => counted.ContainsKey(c.Key)).GroupBy(c => c.Value.Holders))
            {
                var delta = byDelta.Key;
                var keys = byDelta.Select(c => c.Key).ToList();
                await db.CountedOriginals.Where(c => c.AccountId == account.Key && keys.Contains(c.BlobHash))
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.Holders, c => c.Holders + delta), ct);
            }
            var gone = changes.Where(c => counted.TryGetValue(c.Key, out var row) && row.Holders + c.Value.Holders <= 0).Select(c => c.Key).ToList();
            if (gone.Count > 0)
            {
                await db.CountedOriginals.Where(c => c.AccountId == account.Key && gone.Contains(c.BlobHash)).ExecuteDeleteAsync(ct);
                bytes -= gone.Sum(h => counted[h].Size);
                originals -= gone.Count;
            }
            // In hash order: two instances adding the same rows take their key locks in the same order (PostgreSQL).
            foreach (var (hash, (size, holders)) in changes.Where(c => !counted.ContainsKey(c.Key) && c.Value.Holders > 0).OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                db.CountedOriginals.Add(new CountedOriginal { AccountId = account.Key, BlobHash = hash, Size = size, Holders = holders });
                bytes += size;
                originals++;
            }
            if (bytes == 0 && originals == 0)
                continue;
            var updated = await db.AccountStorageUsages.Where(u => u.AccountId == account.Key).ExecuteUpdateAsync(s => s
                .SetProperty(u => u.Bytes, u => u.Bytes + bytes)
                .SetProperty(u => u.MessageCount, u => u.MessageCount + originals)
                .SetProperty(u => u.UpdatedAt, now), ct);
            if (updated == 0)
                db.AccountStorageUsages.Add(new AccountStorageUsage { AccountId = account.Key, Bytes = bytes, MessageCount = originals, UpdatedAt = now });
        }
        _pending.Clear();
        // A first import adds a row for nearly every message: as bulk inserts (SaveChanges would prepare one INSERT per row
        // while the transaction holds SQLite's only writer).
        if (db.Database.CurrentTransaction is not null)
            await BulkInsert.InsertAddedAsync(db, CountedRows, ct);
        await db.SaveChangesAsync(ct);
    }
}
