using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets.Live;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets;

/// <summary>Changes a ticket: status (保留 with its reason), place (ゴミ箱 / 迷惑メール / back), assignee, labels, or its inbox
/// (マネージャー on both). Anyone who works the inbox (アシスタント and up) may change status, place, assignee and labels;
/// what is not given stays as it is. First the row's version is bumped in SQL — only when it still is the version the
/// writer saw, if one was given — so writers queue on the row and a stale one is refused with 409 <c>ticket_changed</c>
/// instead of overwriting a change it never saw.</summary>
public sealed class UpdateTicketCommand(MadoguchiDbContext db, TicketEditor editor, ITicketChangeFeed feed)
{
    public const string ChangedCode = "ticket_changed";

    public Task<Result<TicketListItem>> HandleAsync(Actor actor, Guid ticketId, TicketStatus? status, TicketPlace? place, CancellationToken ct) =>
        HandleAsync(actor, ticketId, new TicketEdit { Status = status, Place = place }, ct);

    public async Task<Result<TicketListItem>> HandleAsync(Actor actor, Guid ticketId, TicketEdit edit, CancellationToken ct)
    {
        if (edit.Status is { } s && !Enum.IsDefined(s))
            return new Error(ErrorKind.Invalid, "invalid_status", "status must be open, pending, closed or noAction.");
        if (edit.Place is { } p && !Enum.IsDefined(p))
            return new Error(ErrorKind.Invalid, "invalid_place", "place must be inbox, trash or spam.");
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var access = await db.RequireTicketAsync(actor, ticketId, InboxRole.Assistant, track: false, ct);
        if (!access.Succeeded)
            return access.Error!;
        var fromInbox = access.Value.Ticket.InboxId;

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var expected = edit.ExpectedVersion;
        if (!await TicketVersions.ClaimAsync(db, ticketId, expected, ct))
            return Changed();
        var ticket = await db.Tickets.SingleAsync(t => t.Id == ticketId, ct);
        if (ticket.InboxId != fromInbox)
        {
            // Moved away while we looked: check the role again on where it is now.
            var again = await db.RequireTicketAsync(actor, ticketId, InboxRole.Assistant, track: false, ct);
            if (!again.Succeeded)
                return again.Error!;
            access = (ticket, again.Value.Role);
        }
        var applied = await editor.ApplyAsync(actor, me.Value!, ticket, access.Value.Role, edit, ct);
        if (!applied.Succeeded)
            return applied.Error!;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        var labelIds = await db.TicketLabels.AsNoTracking().Where(x => x.TicketId == ticketId).Select(x => x.LabelId).OrderBy(x => x).ToListAsync(ct);
        await feed.PublishAsync(new TicketChange(ticket.AccountId, ticket.InboxId, ticket.Id, TicketChangeKind.Changed), ct);
        if (fromInbox != ticket.InboxId)
            await feed.PublishAsync(new TicketChange(ticket.AccountId, fromInbox, ticket.Id, TicketChangeKind.Changed), ct);
        foreach (var user in editor.Notified)
            await feed.PublishAsync(new TicketChange(ticket.AccountId, ticket.InboxId, ticket.Id, TicketChangeKind.Notified, user), ct);
        editor.Notified.Clear();
        return TicketListItem.Of(ticket, labelIds);
    }

    public static Error Changed() =>
        new(ErrorKind.Conflict, ChangedCode, "Someone else changed this ticket after you loaded it. Its current state is attached; check it and try again.");
}

/// <summary>A ticket as lists show it, with its labels and version: what a 409 <c>ticket_changed</c> carries.</summary>
public sealed class GetTicketStateQuery(MadoguchiDbContext db)
{
    public async Task<Result<TicketListItem>> HandleAsync(Actor actor, Guid ticketId, CancellationToken ct)
    {
        var access = await db.RequireTicketAsync(actor, ticketId, InboxRole.Assistant, track: false, ct);
        if (!access.Succeeded)
            return access.Error!;
        var labelIds = await db.TicketLabels.AsNoTracking().Where(x => x.TicketId == ticketId).Select(x => x.LabelId).OrderBy(x => x).ToListAsync(ct);
        return TicketListItem.Of(access.Value.Ticket, labelIds);
    }
}
