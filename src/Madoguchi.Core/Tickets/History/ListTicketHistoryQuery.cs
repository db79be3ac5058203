using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets.History;

public sealed record TicketHistoryView(long Id, DateTime At, Guid? ActorUserId, string ActorName, TicketChangeField Field, string? From, string? To);

/// <summary>A ticket's history, oldest first, for anyone who sees the ticket.</summary>
public sealed class ListTicketHistoryQuery(MadoguchiDbContext db)
{
    public async Task<Result<Page<TicketHistoryView>>> HandleAsync(Actor actor, Guid ticketId, PageRequest page, CancellationToken ct)
    {
        var access = await db.RequireTicketAsync(actor, ticketId, InboxRole.Assistant, track: false, ct);
        if (!access.Succeeded)
            return access.Error!;
        var entries = db.TicketHistory.AsNoTracking().Where(e => e.TicketId == ticketId);
        var total = await entries.CountAsync(ct);
        var items = await entries.OrderBy(e => e.Id).Page(page)
            .Select(e => new TicketHistoryView(e.Id, e.At, e.ActorUserId, e.ActorName, e.Field, e.From, e.To)).ToListAsync(ct);
        return new Page<TicketHistoryView>(items, total);
    }
}
