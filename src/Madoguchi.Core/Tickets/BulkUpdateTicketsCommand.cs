using Madoguchi.Core.Common;

namespace Madoguchi.Core.Tickets;

/// <summary>The outcome for one ticket of a bulk change: its new state, or why it was refused.</summary>
public sealed record BulkTicketResult(Guid Id, bool Succeeded, string? Code, string? Message, TicketListItem? Ticket);

/// <summary>One change applied to many tickets (the list's multi-select): each ticket in its own transaction under the
/// same rules as a single change, so one refusal (role, invalid label, gone) never stops the others. At most
/// <see cref="MaxTickets"/> per call.</summary>
public sealed class BulkUpdateTicketsCommand(UpdateTicketCommand update, Data.MadoguchiDbContext db)
{
    public const int MaxTickets = 50;

    public async Task<Result<IReadOnlyList<BulkTicketResult>>> HandleAsync(Actor actor, IReadOnlyList<Guid> ticketIds, TicketEdit edit, CancellationToken ct)
    {
        if (ticketIds.Count == 0 || ticketIds.Count > MaxTickets)
            return new Error(ErrorKind.Invalid, "invalid_ticket_ids", $"ticketIds must name 1 to {MaxTickets} tickets.");
        if (edit.IsEmpty)
            return new Error(ErrorKind.Invalid, "nothing_to_change", "Say what to change.");
        var results = new List<BulkTicketResult>();
        foreach (var id in ticketIds.Distinct())
        {
            db.ChangeTracker.Clear();
            var result = await update.HandleAsync(actor, id, edit with { ExpectedVersion = null }, ct);
            results.Add(result.Succeeded
                ? new BulkTicketResult(id, true, null, null, result.Value)
                : new BulkTicketResult(id, false, result.Error!.Code, result.Error.Message, null));
            if (result.Error is { Kind: ErrorKind.Unauthorized })
                return result.Error;
        }
        return results;
    }
}
