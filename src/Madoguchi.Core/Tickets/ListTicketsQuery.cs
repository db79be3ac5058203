using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets;

/// <summary>Which tickets to list: one inbox or every visible one, one status or all, one place (the inbox by default).</summary>
public sealed record TicketListRequest(Guid? InboxId, TicketStatus? Status, TicketPlace Place, PageRequest Page);

/// <summary>Tickets newest first. Pages are cut on the (inbox, place, status, last message) index over ids only, then the
/// rows of that page are read, so a page of an inbox with 100,000 tickets costs an index walk, not a table scan.</summary>
public sealed class ListTicketsQuery(MadoguchiDbContext db)
{
    public async Task<Result<Page<TicketListItem>>> HandleAsync(Actor actor, TicketListRequest request, CancellationToken ct)
    {
        var visible = await db.VisibleInboxIdsAsync(actor, ct);
        if (!visible.Succeeded)
            return visible.Error!;
        var query = db.Tickets.AsNoTracking().Where(t => t.Place == request.Place);
        if (request.InboxId is { } inboxId)
        {
            if (!visible.Value!.Contains(inboxId))
                return Error.NotFound("The inbox");
            query = query.Where(t => t.InboxId == inboxId);
        }
        else
        {
            var accountId = actor.AccountId;
            var inboxes = visible.Value!;
            query = query.Where(t => t.AccountId == accountId && inboxes.Contains(t.InboxId));
        }
        if (request.Status is { } status)
            query = query.Where(t => t.Status == status);

        var total = await query.CountAsync(ct);
        var ids = await query.OrderByDescending(t => t.LastMessageAt).ThenByDescending(t => t.Id)
            .Select(t => t.Id).Skip(request.Page.Offset).Take(request.Page.Limit).ToListAsync(ct);
        var rows = await db.Tickets.AsNoTracking().Where(t => ids.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);
        var items = ids.Where(rows.ContainsKey).Select(id => rows[id]).Select(t => new TicketListItem(
            t.Id, t.InboxId, t.Subject, t.Status, t.Place, t.MessageCount, t.LastMessageAt, t.CreatedAt, new AddressView(t.FromName, t.FromAddress))).ToList();
        return new Page<TicketListItem>(items, total);
    }
}
