using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets;

/// <summary>Where one stored original ended up. <see cref="TicketId"/> is null while the pipeline has not made a message of
/// it (see <see cref="ProcessedAt"/> and <see cref="ProcessingError"/>).</summary>
public sealed record StoredMessageLocation(
    Guid RawMessageId, Guid InboxId, DateTime? ProcessedAt, string? ProcessingError,
    Guid? TicketMessageId, Guid? TicketId, TicketPlace? Place, TicketStatus? Status);

/// <summary>For the "find a missing mail" tool: by original id(s), the ticket each became and whether it sits in the
/// inbox, ゴミ箱 or 迷惑メール, with its status. Only originals of the given account are answered; unknown ids are left out.</summary>
public sealed class LocateStoredMessageQuery(MadoguchiDbContext db)
{
    public async Task<IReadOnlyList<StoredMessageLocation>> HandleAsync(Guid accountId, IReadOnlyCollection<Guid> rawMessageIds, CancellationToken ct)
    {
        if (rawMessageIds.Count == 0)
            return [];
        var ids = rawMessageIds.Distinct().ToList();
        var rows = await (
            from r in db.RawMessages.AsNoTracking()
            where r.AccountId == accountId && ids.Contains(r.Id)
            join m in db.TicketMessages.AsNoTracking() on (Guid?)r.Id equals m.RawMessageId into messages
            from m in messages.DefaultIfEmpty()
            join t in db.Tickets.AsNoTracking() on m.TicketId equals t.Id into tickets
            from t in tickets.DefaultIfEmpty()
            select new StoredMessageLocation(
                r.Id, r.InboxId, r.ProcessedAt, r.ProcessingError,
                m == null ? null : m.Id, t == null ? null : t.Id, t == null ? null : t.Place, t == null ? null : t.Status))
            .ToListAsync(ct);
        return rows;
    }
}
