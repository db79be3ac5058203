using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Missing;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets;

/// <summary>Tells the missing-mail finder which ticket a stored original became and whether it sits in the inbox,
/// ゴミ箱 or 迷惑メール (search leaves the last two out by default, which is why mail seems missing).</summary>
internal sealed class TicketMessageLocator(MadoguchiDbContext db) : IMessageLocator
{
    public async Task<TicketLocation?> LocateAsync(Guid rawMessageId, CancellationToken ct)
    {
        var found = await (
            from m in db.TicketMessages.AsNoTracking()
            where m.RawMessageId == rawMessageId
            join t in db.Tickets.AsNoTracking() on m.TicketId equals t.Id
            select new { TicketId = t.Id, MessageId = m.Id, t.Place }).FirstOrDefaultAsync(ct);
        if (found is null)
            return null;
        var place = found.Place switch
        {
            TicketPlace.Trash => "trash",
            TicketPlace.Spam => "spam",
            _ => "inbox",
        };
        return new TicketLocation(found.TicketId, found.MessageId, place, $"/tickets/{found.TicketId}");
    }
}
