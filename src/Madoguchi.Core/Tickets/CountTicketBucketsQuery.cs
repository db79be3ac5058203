using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets;

/// <summary>How many tickets one inbox holds per bucket of the left navigation: per status inside the inbox, per
/// 保留理由 (<see cref="PendingByReason"/>, the null key is 保留理由なし), and per place (ゴミ箱, 迷惑メール).</summary>
public sealed record TicketBucketCounts(
    Guid InboxId, IReadOnlyDictionary<TicketStatus, int> ByStatus, IReadOnlyDictionary<Guid, int> PendingByReason, int PendingWithoutReason,
    int Trash, int Spam)
{
    public int Status(TicketStatus status) => ByStatus.GetValueOrDefault(status);

    public int Reason(Guid reasonId) => PendingByReason.GetValueOrDefault(reasonId);
}

/// <summary>The counts beside every bucket of every inbox the actor sees, read from the counts the database keeps beside
/// the tickets (<see cref="Counts.TicketBucketDelta"/>): one grouped read of a few rows per bucket, whatever the inbox's
/// size. When the delta rows of these inboxes have grown well past one per bucket, they are folded
/// (<see cref="Counts.CompactTicketBucketCountsCommand"/>) before the next read.</summary>
public sealed class CountTicketBucketsQuery(MadoguchiDbContext db, Counts.CompactTicketBucketCountsCommand compact)
{
    /// <summary>Delta rows beyond one per bucket that a read tolerates before it folds them.</summary>
    public const int CompactAfterExtraRows = 200;

    public async Task<Result<IReadOnlyList<TicketBucketCounts>>> HandleAsync(Actor actor, CancellationToken ct)
    {
        var visible = await db.VisibleInboxIdsAsync(actor, ct);
        if (!visible.Succeeded)
            return visible.Error!;
        var inboxes = visible.Value!;
        var buckets = await db.TicketBucketCounts.AsNoTracking().Where(d => inboxes.Contains(d.InboxId))
            .GroupBy(d => new { d.InboxId, d.Place, d.Status, d.PendingReasonId })
            .Select(g => new { g.Key.InboxId, g.Key.Place, g.Key.Status, g.Key.PendingReasonId, Count = g.Sum(d => d.Delta), Rows = g.Count() })
            .ToListAsync(ct);
        var crowded = buckets.GroupBy(b => b.InboxId).Where(g => g.Sum(b => b.Rows) - g.Count() > CompactAfterExtraRows).Select(g => g.Key).ToList();
        if (crowded.Count > 0)
            await compact.HandleAsync(crowded, ct);
        return inboxes.Select(id =>
        {
            var rows = buckets.Where(r => r.InboxId == id && r.Count != 0).ToList();
            var pending = rows.Where(r => r.Place == TicketPlace.Inbox && r.Status == TicketStatus.Pending).ToList();
            return new TicketBucketCounts(
                id,
                rows.Where(r => r.Place == TicketPlace.Inbox).GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Sum(r => r.Count)),
                pending.Where(r => r.PendingReasonId is not null).ToDictionary(r => r.PendingReasonId!.Value, r => r.Count),
                pending.Where(r => r.PendingReasonId is null).Sum(r => r.Count),
                rows.Where(r => r.Place == TicketPlace.Trash).Sum(r => r.Count),
                rows.Where(r => r.Place == TicketPlace.Spam).Sum(r => r.Count));
        }).ToList();
    }
}
