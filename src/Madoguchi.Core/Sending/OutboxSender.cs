using System.Linq.Expressions;
using Madoguchi.Core.Data;
using Madoguchi.Core.Network;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Telemetry;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Sending;

/// <summary>Wakes the outbox worker at once (a reply was queued or resent) instead of at its next poll.</summary>
public sealed class SendTrigger : WakeSignal
{
    public void SendSoon() => Wake();
}

internal static class OutboxViews
{
    public static string StateName(SendState state) => state switch
    {
        SendState.Queued => "queued",
        SendState.Sending => "sending",
        SendState.Sent => "sent",
        SendState.Failed => "failed",
        SendState.AwaitingApproval => "awaitingApproval",
        SendState.Rejected => "rejected",
        _ => "cancelled",
    };

    public static SendErrorView? Error(OutgoingMessage o) => o.ErrorCode is null ? null : SendErrors.Describe(o.ErrorCode, o.ServerReply);

    public static SentMessageView Sent(TicketMessage m, OutgoingMessage o) => new(m.Id, m.TicketId, "sent", m.MessageIdHeader, m.Subject,
        AddressView.FromJson(m.FromJson).FirstOrDefault() ?? new AddressView("", o.EnvelopeFrom), AddressView.FromJson(m.ToJson),
        AddressView.FromJson(m.CcJson), StateName(o.State), Error(o), o.State == SendState.Queued && o.ErrorCode is not null ? o.NextAttemptAt : null, m.Size);
}

/// <summary>Sends a few outbox messages of one send address over one SMTP connection, each at most once at a time across
/// every instance. Claiming is one atomic UPDATE over the batch (queued and due, or sending with an expired lease → sending,
/// owned by this claim: the instance id and a claim number), so two instances on one PostgreSQL never both send a message.
/// While the SMTP conversation goes on, <see cref="OutboxLease"/> renews the claim's lease (a slow server never lets another
/// instance take the messages); when the lease is lost anyway, the conversation is broken off before the end of DATA. The
/// outcomes are written several to a transaction (<see cref="SendingOptions.OutcomesPerCommit"/>), each with its own time,
/// and only where this claim still owns the message. On SQLite the claims and outcome writes of all connections queue at
/// <see cref="OutboxWriteGate"/> instead of polling for the database's one write lock. After a failure that may
/// have left the session in any state the connection is closed and the next message opens a new one.
/// <para>Rule after a crash: a message left in 送信中 (its instance died, its lease ran out) is sent again with the same
/// Message-ID; the receiver may get it twice and can drop the copy by its Message-ID.</para></summary>
public sealed class OutboxSender(MadoguchiDbContext db, IBlobStore blobs, SendPasswordProtector passwords, GuardedConnector connector, OutboxLease lease,
    IOptions<SendingOptions> options, TimeProvider time, MadoguchiMetrics metrics, ILogger<OutboxSender> logger, SentCopies.SentCopyScheduler sentCopies,
    OutboxWriteGate writes)
{
    /// <summary>The send addresses of this sender's batches, read once each.</summary>
    private readonly Dictionary<Guid, SendAddress?> _addresses = [];

    public async Task<bool> TrySendAsync(IReadOnlyList<Guid> messageIds, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var instance = options.Value.InstanceId;
        var owner = $"{(instance.Length <= 160 ? instance : instance[..160])}#{Guid.NewGuid():N}";
        var until = now + options.Value.LeaseDuration;
        int claimed;
        using (await writes.EnterAsync(db, ct))
        {
            claimed = await Claimable(db, messageIds, now).ExecuteUpdateAsync(u => u
                .SetProperty(o => o.State, SendState.Sending)
                .SetProperty(o => o.LeaseOwner, owner)
                .SetProperty(o => o.LeaseUntil, until)
                .SetProperty(o => o.Attempts, o => o.Attempts + 1)
                .SetProperty(o => o.LastAttemptAt, now), ct);
        }
        if (claimed == 0)
            return false;
        var batch = await db.OutgoingMessages.AsNoTracking().Where(o => o.LeaseOwner == owner && o.State == SendState.Sending).ToListAsync(ct);
        var order = messageIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        batch.Sort((a, b) => order.GetValueOrDefault(a.TicketMessageId).CompareTo(order.GetValueOrDefault(b.TicketMessageId)));
        var pending = batch.Count;
        using var held = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var renewing = lease.KeepAsync(owner, () => Volatile.Read(ref pending), held);
        var session = new SmtpSession(connector, options.Value.Timeout);
        var outcomes = new List<(OutgoingMessage Outgoing, SendFailure? Failure, DateTime At)>();
        var oldest = 0L;
        try
        {
            foreach (var outgoing in batch)
            {
                SendFailure? failure;
                try
                {
                    failure = await DeliverAsync(session, outgoing, held.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // The lease was lost: another instance owns the messages now and will tell their outcome.
                    SendingLog.LeaseLost(logger, outgoing.TicketMessageId);
                    return true;
                }
                Interlocked.Decrement(ref pending);
                if (outcomes.Count == 0)
                    oldest = time.GetTimestamp();
                outcomes.Add((outgoing, failure, time.GetUtcNow().UtcDateTime));
                if (failure is not null || outcomes.Count >= options.Value.OutcomesPerCommit || time.GetElapsedTime(oldest) >= options.Value.MaxOutcomeDelay)
                    await RecordAsync(outcomes, owner);
            }
        }
        finally
        {
            try
            {
                // Also after an error or a lost lease: what the server accepted is written (only where this claim still owns it).
                await RecordAsync(outcomes, owner);
            }
            finally
            {
                await session.DisposeAsync();
                await held.CancelAsync();
                await renewing;
            }
        }
        return true;
    }

    /// <summary>Which of <paramref name="messageIds"/> may be claimed now: queued and due, or left 送信中 by an instance
    /// that died (lease expired). Found by their ids (the primary key): the state is tested in a conditional, which no index
    /// answers, because SQLite (without statistics) otherwise preferred the (state, next attempt) index and read every due
    /// message of the queue for each claim (also used to check the query plans).</summary>
    public static IQueryable<OutgoingMessage> Claimable(MadoguchiDbContext db, IReadOnlyList<Guid> messageIds, DateTime now) =>
        db.OutgoingMessages.Where(o => messageIds.Contains(o.TicketMessageId)
            && (o.State == SendState.Queued ? o.NextAttemptAt <= now : o.State == SendState.Sending && o.LeaseUntil < now));

    /// <summary>Writes the known outcomes in one transaction: one disk flush for several messages. Until then they show
    /// 送信中, and a crash before it leaves them to the crash rule (sent again with the same Message-ID).</summary>
    private async Task RecordAsync(List<(OutgoingMessage Outgoing, SendFailure? Failure, DateTime At)> outcomes, string owner)
    {
        if (outcomes.Count == 0)
            return;
        using (await writes.EnterAsync(db, CancellationToken.None))
        await using (var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None))
        {
            var sent = outcomes.Where(x => x.Failure is null).Select(x => (x.Outgoing.TicketMessageId, x.At)).ToList();
            if (sent.Count > 0)
                await RecordSentAsync(sent, owner);
            foreach (var (outgoing, failure, at) in outcomes.Where(x => x.Failure is not null))
                await RecordAsync(outgoing, failure!, at, owner);
            await transaction.CommitAsync(CancellationToken.None);
        }
        // Sent: the copy to the Sent folder is made later, by its own worker, outside this lease (and outside the
        // transaction: a marker already there is a unique-key error, which would end a PostgreSQL transaction).
        foreach (var (outgoing, failure, _) in outcomes)
        {
            if (failure is null && _addresses.GetValueOrDefault(outgoing.SendAddressId) is { } address)
                await sentCopies.ScheduleAsync(outgoing, address);
        }
        outcomes.Clear();
    }

    private async Task<SendFailure?> DeliverAsync(SmtpSession session, OutgoingMessage outgoing, CancellationToken ct)
    {
        if (!_addresses.TryGetValue(outgoing.SendAddressId, out var address))
        {
            address = await db.SendAddresses.AsNoTracking().SingleOrDefaultAsync(a => a.Id == outgoing.SendAddressId, ct);
            _addresses[outgoing.SendAddressId] = address;
        }
        if (address is null)
            return new SendFailure(SendErrorCode.SendAddressMissing, null, false);
        var connection = await session.ConnectionForAsync(outgoing.SendAddressId, () => Task.FromResult<SmtpConnection?>(SmtpConnection.Of(address, passwords)));
        if (connection is null)
            return new SendFailure(SendErrorCode.SendAddressMissing, null, false);
        Stream stored;
        try
        {
            stored = blobs.OpenRead(outgoing.BlobHash);
        }
        catch (FileNotFoundException)
        {
            return new SendFailure(SendErrorCode.OriginalMissing, null, false);
        }
        await using (stored)
        {
            var envelopeFrom = await Verp.EnvelopeAsync(db, outgoing, address, ct);
            try
            {
                // The stored bytes as they are: the message was made and checked when it was queued.
                await session.SendAsync(connection, stored, outgoing.Size, envelopeFrom, outgoing.Recipients.Split('\n', StringSplitOptions.RemoveEmptyEntries), ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                var failure = SendFailureClassifier.Classify(e, session.Certificate);
                await session.CloseAsync();
                SendingLog.AttemptFailed(logger, outgoing.TicketMessageId, failure.Code, failure.Temporary, e);
                return failure;
            }
        }
        return null;
    }

    /// <summary>The messages the server accepted, as one UPDATE (was one per message: the statements, not the disk flush,
    /// were most of the outcome's cost), each with its own time (<see cref="SentTimes"/>).</summary>
    private async Task RecordSentAsync(List<(Guid Id, DateTime At)> sent, string owner)
    {
        var ids = sent.Select(x => x.Id).ToList();
        var updated = await db.OutgoingMessages.Where(o => ids.Contains(o.TicketMessageId) && o.LeaseOwner == owner && o.State == SendState.Sending)
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.State, SendState.Sent).SetProperty(o => o.SentAt, SentTimes(sent))
                .SetProperty(o => o.LeaseOwner, (string?)null).SetProperty(o => o.LeaseUntil, (DateTime?)null)
                .SetProperty(o => o.ErrorCode, (string?)null).SetProperty(o => o.ServerReply, (string?)null), CancellationToken.None);
        foreach (var _ in sent)
            metrics.SendAttempted("sent", null);
        for (var i = 0; i < updated; i++)
            metrics.MessageSent();
    }

    /// <summary><c>CASE Id WHEN id₁ THEN at₁ … END</c> with the ids and times as parameters (read from a holder, so EF
    /// makes them parameters and caches one statement per group size rather than compiling one per group).</summary>
    public static Expression<Func<OutgoingMessage, DateTime?>> SentTimes(IReadOnlyList<(Guid Id, DateTime At)> sent)
    {
        var holder = Expression.Constant(new SentTimesHolder([.. sent.Select(x => x.Id)], [.. sent.Select(x => (DateTime?)x.At)]));
        var o = Expression.Parameter(typeof(OutgoingMessage), "o");
        Expression body = Expression.Property(o, nameof(OutgoingMessage.SentAt));
        for (var i = sent.Count - 1; i >= 0; i--)
        {
            var index = Expression.Constant(i);
            body = Expression.Condition(
                Expression.Equal(Expression.Property(o, nameof(OutgoingMessage.TicketMessageId)), Expression.ArrayIndex(Expression.Field(holder, nameof(SentTimesHolder.Ids)), index)),
                Expression.ArrayIndex(Expression.Field(holder, nameof(SentTimesHolder.Times)), index),
                body);
        }
        return Expression.Lambda<Func<OutgoingMessage, DateTime?>>(body, o);
    }

    private sealed class SentTimesHolder(Guid[] ids, DateTime?[] times)
    {
        public readonly Guid[] Ids = ids;
        public readonly DateTime?[] Times = times;
    }

    /// <summary>One failed attempt's outcome, known at <paramref name="now"/>: retried later, or failed for good.</summary>
    private async Task RecordAsync(OutgoingMessage outgoing, SendFailure failure, DateTime now, string owner)
    {
        var mine = db.OutgoingMessages.Where(o => o.TicketMessageId == outgoing.TicketMessageId && o.LeaseOwner == owner && o.State == SendState.Sending);
        var reply = failure.ServerReply is { Length: > 2000 } long_ ? long_[..2000] : failure.ServerReply;
        var attempts = Math.Max(1, outgoing.Attempts);
        var delay = TimeSpan.FromTicks(Math.Min(options.Value.MaxRetryDelay.Ticks,
            options.Value.FirstRetryDelay.Ticks * (long)Math.Pow(2, Math.Min(attempts - 1, 30))));
        var next = now + delay;
        if (failure.Temporary && next <= outgoing.QueuedAt + options.Value.RetryFor)
        {
            await mine.ExecuteUpdateAsync(u => u.SetProperty(o => o.State, SendState.Queued).SetProperty(o => o.NextAttemptAt, next)
                .SetProperty(o => o.LeaseOwner, (string?)null).SetProperty(o => o.LeaseUntil, (DateTime?)null)
                .SetProperty(o => o.ErrorCode, failure.Code).SetProperty(o => o.ServerReply, reply), CancellationToken.None);
            metrics.SendAttempted("retrying", failure.Code);
            return;
        }
        var failed = await mine.ExecuteUpdateAsync(u => u.SetProperty(o => o.State, SendState.Failed)
            .SetProperty(o => o.LeaseOwner, (string?)null).SetProperty(o => o.LeaseUntil, (DateTime?)null)
            .SetProperty(o => o.ErrorCode, failure.Code).SetProperty(o => o.ServerReply, reply), CancellationToken.None);
        metrics.SendAttempted("failed", failure.Code);
        if (failed == 1)
            metrics.MessageSendFailed(failure.Code);
    }
}

internal static partial class SendingLog
{
    [LoggerMessage(EventId = 2600, Level = LogLevel.Warning, Message = "Sending message {MessageId} failed: {Code} (temporary: {Temporary})")]
    public static partial void AttemptFailed(ILogger logger, Guid messageId, string code, bool temporary, Exception exception);

    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "Outbox worker started as {InstanceId}")]
    public static partial void WorkerStarted(ILogger logger, string instanceId);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Error, Message = "Outbox pass failed")]
    public static partial void PassFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Warning, Message = "Sending message {MessageId}: lease lost to another instance, sending broken off")]
    public static partial void LeaseLost(ILogger logger, Guid messageId);
}
