using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Sending;

/// <summary>The send state of each sent message of one ticket, by message id: what an open ticket screen polls while a
/// message is 送信待ち or 送信中 (the outbox worker publishes no change of its own). One indexed read.</summary>
public sealed class GetSendStatesQuery(MadoguchiDbContext db)
{
    public async Task<Result<IReadOnlyDictionary<Guid, OutboxStatus.Entry>>> HandleAsync(Actor actor, Guid ticketId, CancellationToken ct)
    {
        var access = await db.RequireTicketAsync(actor, ticketId, InboxRole.Assistant, track: false, ct);
        if (!access.Succeeded)
            return access.Error!;
        var sent = await db.TicketMessages.AsNoTracking().Where(m => m.TicketId == ticketId && m.Direction == MessageDirection.Sent)
            .Select(m => m.Id).ToListAsync(ct);
        return await OutboxStatus.ForAsync(db, sent, ct);
    }
}
