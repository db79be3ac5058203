using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Madoguchi.Core.Sending.SentCopies;

/// <summary>Wakes the Sent folder copy worker at once (a message was just accepted by the SMTP server).</summary>
public sealed class SentCopyTrigger : WakeSignal
{
    public void Soon() => Wake();
}

/// <summary>Writes the durable marker of a copy to the Sent folder when the SMTP server has accepted a message sent from an
/// address with <see cref="SendAddress.CopyToSentFolder"/>: before the message is recorded 送信済み, so a crash between the
/// two leaves a marker that waits (the worker only takes copies of sent messages). At most one row per message: a message
/// sent again after a crash keeps its first marker, so the copy is never made twice. Never throws: the copy must not
/// change how sending ends.</summary>
public sealed class SentCopyScheduler(MadoguchiDbContext db, SentCopyTrigger trigger, TimeProvider time, ILogger<SentCopyScheduler> logger)
{
    public async Task ScheduleAsync(OutgoingMessage outgoing, SendAddress address)
    {
        if (!address.CopyToSentFolder)
            return;
        try
        {
            if (await db.Set<SentFolderCopy>().AnyAsync(c => c.TicketMessageId == outgoing.TicketMessageId))
                return;
            var now = time.GetUtcNow().UtcDateTime;
            db.Set<SentFolderCopy>().Add(new SentFolderCopy
            {
                TicketMessageId = outgoing.TicketMessageId,
                AccountId = outgoing.AccountId,
                InboxId = outgoing.InboxId,
                SendAddressId = address.Id,
                State = SentCopyState.Pending,
                CreatedAt = now,
                NextAttemptAt = now,
            });
            await db.SaveChangesAsync();
            trigger.Soon();
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or TimeoutException or System.Data.Common.DbException)
        {
            // A marker written meanwhile by another attempt (unique key), or the database did not answer: the message stays sent.
            SentCopyLog.ScheduleFailed(logger, outgoing.TicketMessageId, e);
        }
    }
}

internal static partial class SentCopyLog
{
    [LoggerMessage(EventId = 2620, Level = LogLevel.Warning, Message = "Copy of message {MessageId} to the Sent folder could not be scheduled")]
    public static partial void ScheduleFailed(ILogger logger, Guid messageId, Exception exception);

    [LoggerMessage(EventId = 2621, Level = LogLevel.Warning, Message = "Copy of message {MessageId} to the Sent folder failed: {Code} (attempt {Attempt})")]
    public static partial void AppendFailed(ILogger logger, Guid messageId, string code, int attempt, Exception? exception);

    [LoggerMessage(EventId = 2622, Level = LogLevel.Error, Message = "Sent folder copy pass failed")]
    public static partial void PassFailed(ILogger logger, Exception exception);
}
