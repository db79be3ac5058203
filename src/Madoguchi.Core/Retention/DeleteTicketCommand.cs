using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Retention;

/// <summary>Deletes one ticket for good (管理者 of its inbox): its messages, originals and the blobs nothing else uses,
/// lowering the account's storage use at once.</summary>
public sealed class DeleteTicketCommand(MadoguchiDbContext db, TicketEraser eraser, AuditTrail audit)
{
    public async Task<Result<ErasedTickets>> HandleAsync(Actor actor, Guid ticketId, CancellationToken ct)
    {
        var access = await db.RequireTicketAsync(actor, ticketId, InboxRole.Administrator, track: false, ct);
        if (!access.Succeeded)
            return access.Error!;
        var ticket = access.Value.Ticket;
        audit.Record(AuditAction.TicketDeleted, ticket.AccountId, actor, detail: $"{ticket.Subject} ({ticket.Id}, {ticket.MessageCount} message(s))");
        return await eraser.EraseAsync([ticket.Id], ct);
    }
}

/// <summary>「ゴミ箱を空にする」: deletes every ticket in the inbox's ゴミ箱 for good (管理者 of the inbox).</summary>
public sealed class EmptyTrashCommand(MadoguchiDbContext db, TicketEraser eraser, AuditTrail audit)
{
    public async Task<Result<ErasedTickets>> HandleAsync(Actor actor, Guid inboxId, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Administrator, ct);
        if (!access.Succeeded)
            return access.Error!;
        var inbox = access.Value.Inbox;
        var ids = await db.Tickets.Where(t => t.InboxId == inbox.Id && t.Place == TicketPlace.Trash).Select(t => t.Id).ToListAsync(ct);
        audit.Record(AuditAction.TrashEmptied, inbox.AccountId, actor, detail: $"{inbox.Name}: {ids.Count} ticket(s)");
        return await eraser.EraseAsync(ids, ct);
    }
}

/// <summary>Sets or clears an inbox's auto-delete of 対応完了/対応不要 tickets (管理者 of the inbox; at least 90 days).</summary>
public sealed class SetInboxRetentionCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result<InboxRetentionView>> HandleAsync(Actor actor, Guid inboxId, int? autoDeleteClosedAfterDays, CancellationToken ct)
    {
        if (autoDeleteClosedAfterDays is { } days && days is < InboxRetentionRules.MinimumAutoDeleteDays or > InboxRetentionRules.MaximumAutoDeleteDays)
            return new Error(ErrorKind.Invalid, "auto_delete_too_short",
                $"Closed tickets can be deleted automatically after {InboxRetentionRules.MinimumAutoDeleteDays} days at the earliest.");
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Administrator, ct);
        if (!access.Succeeded)
            return access.Error!;
        var inbox = access.Value.Inbox;
        if (inbox.AutoDeleteClosedAfterDays != autoDeleteClosedAfterDays)
        {
            audit.Record(AuditAction.InboxRetentionChanged, inbox.AccountId, actor,
                detail: $"{inbox.Name}: {Describe(inbox.AutoDeleteClosedAfterDays)} → {Describe(autoDeleteClosedAfterDays)}");
            inbox.AutoDeleteClosedAfterDays = autoDeleteClosedAfterDays;
            await db.SaveChangesAsync(ct);
        }
        return new InboxRetentionView(inbox.Id, inbox.AutoDeleteClosedAfterDays);
    }

    private static string Describe(int? days) => days is { } d ? $"{d} days" : "never";
}

/// <summary>An inbox's retention setting: null keeps closed tickets.</summary>
public sealed record InboxRetentionView(Guid InboxId, int? AutoDeleteClosedAfterDays);

/// <summary>Reads an inbox's retention setting (anyone who sees the inbox).</summary>
public sealed class GetInboxRetentionQuery(MadoguchiDbContext db)
{
    public async Task<Result<InboxRetentionView>> HandleAsync(Actor actor, Guid inboxId, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Assistant, ct);
        if (!access.Succeeded)
            return access.Error!;
        return new InboxRetentionView(access.Value.Inbox.Id, access.Value.Inbox.AutoDeleteClosedAfterDays);
    }
}
