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

/// <summary>The counts beside every bucket of every inbox the actor sees. Two grouped reads walk the (inbox, place,
/// status, …) and (inbox, place, 保留理由, …) indexes, so the counts stay cheap on large inboxes.</summary>
public sealed class CountTicketBucketsQuery(MadoguchiDbContext db)
{
    public async Task<Result<IReadOnlyList<TicketBucketCounts>>> HandleAsync(Actor actor, CancellationToken ct)
    {
        var visible = await db.VisibleInboxIdsAsync(actor, ct);
        if (!visible.Succeeded)
            return visible.Error!;
        var inboxes = visible.Value!;
        var byStatus = await db.Tickets.AsNoTracking().Where(t => inboxes.Contains(t.InboxId))
            .GroupBy(t => new { t.InboxId, t.Place, t.Status })
            .Select(g => new { g.Key.InboxId, g.Key.Place, g.Key.Status, Count = g.Count() }).ToListAsync(ct);
        var byReason = await db.Tickets.AsNoTracking()
            .Where(t => inboxes.Contains(t.InboxId) && t.Place == TicketPlace.Inbox && t.Status == TicketStatus.Pending)
            .GroupBy(t => new { t.InboxId, t.PendingReasonId })
            .Select(g => new { g.Key.InboxId, g.Key.PendingReasonId, Count = g.Count() }).ToListAsync(ct);
        return inboxes.Select(id =>
        {
            var rows = byStatus.Where(r => r.InboxId == id).ToList();
            var reasons = byReason.Where(r => r.InboxId == id).ToList();
            return new TicketBucketCounts(
                id,
                rows.Where(r => r.Place == TicketPlace.Inbox).ToDictionary(r => r.Status, r => r.Count),
                reasons.Where(r => r.PendingReasonId is not null).ToDictionary(r => r.PendingReasonId!.Value, r => r.Count),
                reasons.Where(r => r.PendingReasonId is null).Sum(r => r.Count),
                rows.Where(r => r.Place == TicketPlace.Trash).Sum(r => r.Count),
                rows.Where(r => r.Place == TicketPlace.Spam).Sum(r => r.Count));
        }).ToList();
    }
}
