using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;

namespace Madoguchi.Core.Tickets.Live;

/// <summary>Who else has the ticket open right now (heartbeat within the presence timeout), for anyone who may see it.</summary>
public sealed class GetTicketPresenceQuery(MadoguchiDbContext db, TicketPresence presence)
{
    public async Task<Result<IReadOnlyList<PresenceViewer>>> HandleAsync(Actor actor, Guid ticketId, CancellationToken ct)
    {
        var access = await db.RequireTicketAsync(actor, ticketId, InboxRole.Assistant, track: false, ct);
        if (!access.Succeeded)
            return access.Error!;
        return (await presence.OnAsync(db, ticketId, ct)).ToList();
    }
}
