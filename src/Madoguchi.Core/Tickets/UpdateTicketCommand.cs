using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;

namespace Madoguchi.Core.Tickets;

/// <summary>Sets a ticket's status and/or moves it between the inbox, ゴミ箱 and 迷惑メール. Anyone who works the inbox
/// (アシスタント and up) may; what is not given stays as it is.</summary>
public sealed class UpdateTicketCommand(MadoguchiDbContext db, TimeProvider time)
{
    public async Task<Result<TicketListItem>> HandleAsync(Actor actor, Guid ticketId, TicketStatus? status, TicketPlace? place, CancellationToken ct)
    {
        if (status is { } s && !Enum.IsDefined(s))
            return new Error(ErrorKind.Invalid, "invalid_status", "status must be open, pending, closed or noAction.");
        if (place is { } p && !Enum.IsDefined(p))
            return new Error(ErrorKind.Invalid, "invalid_place", "place must be inbox, trash or spam.");
        var access = await db.RequireTicketAsync(actor, ticketId, InboxRole.Assistant, track: true, ct);
        if (!access.Succeeded)
            return access.Error!;
        var t = access.Value.Ticket;
        if (status is { } newStatus)
            t.Status = newStatus;
        if (place is { } newPlace)
            t.Place = newPlace;
        t.StampRetention(time.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return new TicketListItem(t.Id, t.InboxId, t.Subject, t.Status, t.Place, t.MessageCount, t.LastMessageAt, t.CreatedAt, new AddressView(t.FromName, t.FromAddress));
    }
}
