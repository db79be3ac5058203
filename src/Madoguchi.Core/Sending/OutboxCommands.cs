using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Sending;

/// <summary>取り消し: a queued message (also one waiting for a retry) is not sent. A message already 送信中 cannot be called back.</summary>
public sealed class CancelSendCommand(MadoguchiDbContext db, TimeProvider time)
{
    public async Task<Result<SentMessageView>> HandleAsync(Actor actor, Guid messageId, CancellationToken ct)
    {
        var message = await OutboxAccess.RequireAsync(db, actor, messageId, ct);
        if (!message.Succeeded)
            return message.Error!;
        _ = time;
        var changed = await db.OutgoingMessages.Where(o => o.TicketMessageId == messageId && o.State == SendState.Queued)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.State, SendState.Cancelled), ct);
        if (changed != 1)
            return new Error(ErrorKind.Conflict, "not_queued", "Only a message waiting to be sent (送信待ち) can be cancelled.");
        return await OutboxAccess.ViewAsync(db, message.Value!, ct);
    }
}

/// <summary>再送信: a failed message is queued again (after the settings were fixed), with the same Message-ID and bytes.</summary>
public sealed class ResendCommand(MadoguchiDbContext db, SendTrigger trigger, TimeProvider time)
{
    public async Task<Result<SentMessageView>> HandleAsync(Actor actor, Guid messageId, CancellationToken ct)
    {
        var message = await OutboxAccess.RequireAsync(db, actor, messageId, ct);
        if (!message.Succeeded)
            return message.Error!;
        var now = time.GetUtcNow().UtcDateTime;
        var changed = await db.OutgoingMessages.Where(o => o.TicketMessageId == messageId && o.State == SendState.Failed)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.State, SendState.Queued).SetProperty(o => o.QueuedAt, now).SetProperty(o => o.NextAttemptAt, now)
                .SetProperty(o => o.Attempts, 0).SetProperty(o => o.ErrorCode, (string?)null).SetProperty(o => o.ServerReply, (string?)null), ct);
        if (changed != 1)
            return new Error(ErrorKind.Conflict, "not_failed", "Only a message that failed (送信エラー) can be resent.");
        trigger.SendSoon();
        return await OutboxAccess.ViewAsync(db, message.Value!, ct);
    }
}

internal static class OutboxAccess
{
    /// <summary>A sent message of a ticket the actor may reply on (オペレータ or higher).</summary>
    public static Task<Result<TicketMessage>> RequireAsync(MadoguchiDbContext db, Actor actor, Guid messageId, CancellationToken ct) =>
        RequireAsync(db, actor, messageId, InboxRole.Operator, ct);

    /// <summary>A sent message of a ticket on whose inbox the actor has at least <paramref name="minimum"/>.</summary>
    public static async Task<Result<TicketMessage>> RequireAsync(MadoguchiDbContext db, Actor actor, Guid messageId, InboxRole minimum, CancellationToken ct)
    {
        var message = await db.TicketMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == messageId && m.AccountId == actor.AccountId, ct);
        if (message is null || message.Direction != MessageDirection.Sent)
            return Error.NotFound("The message");
        var ticket = await db.RequireTicketAsync(actor, message.TicketId, minimum, track: false, ct);
        if (!ticket.Succeeded)
            return ticket.Error!.Kind == ErrorKind.NotFound ? Error.NotFound("The message") : ticket.Error!;
        return message;
    }

    public static async Task<SentMessageView> ViewAsync(MadoguchiDbContext db, TicketMessage message, CancellationToken ct)
    {
        var outgoing = await db.OutgoingMessages.AsNoTracking().SingleAsync(o => o.TicketMessageId == message.Id, ct);
        return OutboxViews.Sent(message, outgoing);
    }
}

/// <summary>Send state of sent messages for the ticket view.</summary>
public static class OutboxStatus
{
    /// <summary><see cref="SentCopy"/>: the copy to the Sent folder, when the send address makes one.</summary>
    public sealed record Entry(string State, SendErrorView? Error, DateTime? NextAttemptAt, SentCopies.SentCopyView? SentCopy = null);

    public static async Task<Dictionary<Guid, Entry>> ForAsync(MadoguchiDbContext db, IReadOnlyCollection<Guid> messageIds, CancellationToken ct)
    {
        if (messageIds.Count == 0)
            return [];
        var rows = await db.OutgoingMessages.AsNoTracking().Where(o => messageIds.Contains(o.TicketMessageId)).ToListAsync(ct);
        var copies = await db.Set<SentCopies.SentFolderCopy>().AsNoTracking().Where(c => messageIds.Contains(c.TicketMessageId))
            .ToDictionaryAsync(c => c.TicketMessageId, ct);
        return rows.ToDictionary(o => o.TicketMessageId, o => new Entry(OutboxViews.StateName(o.State), OutboxViews.Error(o),
            o.State == SendState.Queued && o.ErrorCode is not null ? o.NextAttemptAt : null,
            copies.TryGetValue(o.TicketMessageId, out var copy) ? SentCopies.SentCopyView.From(copy) : null));
    }
}
