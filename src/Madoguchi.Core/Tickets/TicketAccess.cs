using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets;

/// <summary>Who sees which tickets: those of the inboxes the user sees (owners: all of the account's; others: role above
/// 権限なし). A ticket of another account or of an invisible inbox is reported as not found, never as forbidden.</summary>
internal static class TicketAccess
{
    /// <summary>The ids of the inboxes the actor sees, in one query (the user's state and owner flag are read inside it);
    /// only when it finds none is the user read again, to tell a user who sees no inbox from one who may not act at all.</summary>
    public static async Task<Result<List<Guid>>> VisibleInboxIdsAsync(this MadoguchiDbContext db, Actor actor, CancellationToken ct)
    {
        if (!actor.IsUser)
            return (await db.RequireActiveUserAsync(actor, ct)).Error!;
        var visible = await db.VisibleInboxes(actor).Select(i => i.Id).Prepared().ToListAsync(ct);
        if (visible.Count > 0)
            return visible;
        var me = await db.RequireActiveUserAsync(actor, ct);
        return me.Succeeded ? visible : me.Error!;
    }

    /// <summary>The rule: the account's inboxes, while the user is active, all of them for an owner, else those where the
    /// user's role is above 権限なし.</summary>
    private static IQueryable<Inbox> VisibleInboxes(this MadoguchiDbContext db, Actor actor)
    {
        var users = db.Users.Where(u => u.Id == actor.Id && u.AccountId == actor.AccountId && u.State == Accounts.Users.UserState.Active);
        return db.Inboxes.AsNoTracking().Where(i => i.AccountId == actor.AccountId && users.Any(u => u.IsOwner
            || db.InboxRoles.Any(r => r.InboxId == i.Id && r.UserId == u.Id && r.Role != InboxRole.None)));
    }

    /// <summary>Only while the actor sees the inbox, as a condition inside the query instead of a read of its own (the same
    /// rule as <see cref="VisibleInboxIdsAsync"/>). It names only parameters, so both databases test it once per query. An
    /// empty answer does not tell an invisible inbox from an empty one: ask <see cref="VisibleInboxIdsAsync"/> then.</summary>
    public static IQueryable<T> WhereSeesInbox<T>(this IQueryable<T> query, MadoguchiDbContext db, Actor actor, Guid inboxId)
    {
        var visible = db.VisibleInboxes(actor);
        return query.Where(_ => visible.Any(i => i.Id == inboxId));
    }

    /// <summary>The ticket, when the actor's role on its inbox is at least <paramref name="minimum"/>.</summary>
    public static async Task<Result<(Ticket Ticket, InboxRole Role)>> RequireTicketAsync(
        this MadoguchiDbContext db, Actor actor, Guid ticketId, InboxRole minimum, bool track, CancellationToken ct)
    {
        var tickets = track ? db.Tickets : db.Tickets.AsNoTracking();
        var ticket = await tickets.SingleOrDefaultAsync(t => t.Id == ticketId && t.AccountId == actor.AccountId, ct);
        if (ticket is null)
            return Error.NotFound("The ticket");
        var access = await db.RequireRoleAsync(actor, ticket.InboxId, minimum, ct);
        if (!access.Succeeded)
            return access.Error!.Kind == ErrorKind.NotFound ? Error.NotFound("The ticket") : access.Error!;
        return (ticket, access.Value.Role);
    }

    /// <summary>The active user and the ticket, at the role everyday ticket work needs (アシスタント and above): the one
    /// guard of comments and drafts.</summary>
    public static async Task<Result<(Accounts.Users.User Me, Ticket Ticket, InboxRole Role)>> RequireWorkOnTicketAsync(
        this MadoguchiDbContext db, Actor actor, Guid ticketId, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var access = await db.RequireTicketAsync(actor, ticketId, InboxRole.Assistant, track: false, ct);
        if (!access.Succeeded)
            return access.Error!;
        return (me.Value!, access.Value.Ticket, access.Value.Role);
    }

    /// <summary>A message with its ticket, under the same rule.</summary>
    public static async Task<Result<TicketMessage>> RequireMessageAsync(this MadoguchiDbContext db, Actor actor, Guid messageId, CancellationToken ct)
    {
        var message = await db.TicketMessages.AsNoTracking().Include(m => m.Attachments)
            .SingleOrDefaultAsync(m => m.Id == messageId && m.AccountId == actor.AccountId, ct);
        if (message is null)
            return Error.NotFound("The message");
        var ticket = await db.RequireTicketAsync(actor, message.TicketId, InboxRole.Assistant, track: false, ct);
        if (!ticket.Succeeded)
            return ticket.Error!.Kind == ErrorKind.NotFound ? Error.NotFound("The message") : ticket.Error!;
        return message;
    }
}
