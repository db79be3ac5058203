using Madoguchi.Core.Data;
using Madoguchi.Core.Network;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Sending.Smtp;
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

/// <summary>What a batch came to: whether any of its messages was claimed, and the task that ends when every outcome of
/// the claim is written (it fails with the write).</summary>
public readonly record struct SentBatch(bool Claimed, Task Written)
{
    public static SentBatch None => new(false, Task.CompletedTask);
}

/// <summary>Sends a batch of outbox messages of one send address, one after another over SMTP connections of up to
/// <see cref="SendingOptions.MessagesPerConnection"/> messages, each message at most once at a time across every
/// instance. Claiming is one atomic UPDATE over the batch (queued and due, or sending with an expired lease → sending,
/// owned by this claim: the instance id and a claim number), so two instances on one PostgreSQL never both send a message.
/// While the SMTP conversation goes on, <see cref="OutboxLease"/> renews the claim's lease (a slow server never lets another
/// instance take the messages); when the lease is lost anyway, the conversation is broken off before the end of DATA. The
/// outcomes are written by <see cref="OutboxOutcomes"/> (the instance's group commit) while the connection goes on, each
/// with its own time and only where this claim still owns the message; a claim ends when all of its outcomes are written.
/// On SQLite the claims and outcome writes queue at <see cref="OutboxWriteGate"/> instead of polling for the database's
/// one write lock. After a failure that may have left the session in any state the connection is closed and the next
/// message opens a new one.
/// <para>Rule after a crash: a message left in 送信中 (its instance died, its lease ran out) is sent again with the same
/// Message-ID; the receiver may get it twice and can drop the copy by its Message-ID.</para></summary>
public sealed class OutboxSender(MadoguchiDbContext db, IBlobStore blobs, SendPasswordProtector passwords, GuardedConnector connector, OutboxLease lease,
    IOptions<SendingOptions> options, TimeProvider time, ILogger<OutboxSender> logger, OutboxWriteGate writes,
    OutboxOutcomes outcomes)
{
    /// <summary>The send addresses of this sender's batches, read once each.</summary>
    private readonly Dictionary<Guid, SendAddress?> _addresses = [];

    /// <summary>Claims and sends <paramref name="messageIds"/> (those still due). Returns once the connection is closed;
    /// the outcomes not yet written then are written meanwhile (<see cref="SentBatch.Written"/>), so the caller can start
    /// the next batch at once.</summary>
    public async Task<SentBatch> TrySendAsync(IReadOnlyList<Guid> messageIds, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var instance = options.Value.InstanceId;
        var owner = $"{(instance.Length <= 160 ? instance : instance[..160])}#{Guid.NewGuid():N}";
        var until = now + options.Value.LeaseDuration;
        List<OutgoingMessage> batch;
        using (await writes.EnterAsync(db, ct))
        {
            var claim = Claim(db, messageIds, now, until, owner);
            batch = await db.OutgoingMessages.FromSqlRaw(claim.Text.ToString(), [.. claim.Parameters]).AsNoTracking().ToListAsync(ct);
        }
        if (batch.Count == 0)
            return SentBatch.None;
        var order = messageIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        batch.Sort((a, b) => order.GetValueOrDefault(a.TicketMessageId).CompareTo(order.GetValueOrDefault(b.TicketMessageId)));
        var pending = batch.Count;
        // Disposed by FinishAsync, once the last outcomes are written.
        var held = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var renewing = lease.KeepAsync(owner, () => Volatile.Read(ref pending), held);
        var session = new SmtpSession(connector, options.Value.Timeout, options.Value.MessagesPerConnection);
        // Outcomes known but not handed over, and the group in writing: the connection goes on sending meanwhile.
        var known = new List<OutboxOutcome>();
        var writing = Task.CompletedTask;
        var oldest = 0L;
        // The next message is prepared (its stored file opened, its envelope made) before this one is sent, so that its
        // envelope can follow this message's data in the same packet.
        Prepared? next = null;
        try
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var outgoing = batch[i];
                var current = next;
                next = null;
                SendFailure? failure;
                try
                {
                    current ??= await PrepareAsync(outgoing, held.Token);
                    if (current.Failure is null && i + 1 < batch.Count)
                        next = await PrepareAsync(batch[i + 1], held.Token);
                    failure = current.Failure ?? await DeliverAsync(session, current, next?.Message, held.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // The lease was lost: another instance owns the messages now and will tell their outcome.
                    SendingLog.LeaseLost(logger, outgoing.TicketMessageId);
                    break;
                }
                finally
                {
                    current?.Dispose();
                }
                Interlocked.Decrement(ref pending);
                if (known.Count == 0)
                    oldest = time.GetTimestamp();
                known.Add(new OutboxOutcome(outgoing, failure, time.GetUtcNow().UtcDateTime, owner, _addresses.GetValueOrDefault(outgoing.SendAddressId)));
                if (failure is not null || known.Count >= options.Value.OutcomesPerCommit || time.GetElapsedTime(oldest) >= options.Value.MaxOutcomeDelay)
                {
                    await writing;
                    writing = outcomes.WriteAsync(known);
                    known = [];
                }
            }
        }
        finally
        {
            next?.Dispose();
            await session.DisposeAsync();
            // Also after an error or a lost lease: what the server accepted is written (only where this claim still owns it).
            writing = FinishAsync(writing, outcomes.WriteAsync(known), held, renewing);
        }
        return new SentBatch(true, writing);
    }

    /// <summary>Waits for the claim's last outcomes, then stops renewing its lease (kept until then: a message whose
    /// outcome is not written is still this claim's).</summary>
    private static async Task FinishAsync(Task writing, Task last, CancellationTokenSource held, Task renewing)
    {
        try
        {
            await Task.WhenAll(writing, last);
        }
        finally
        {
            await held.CancelAsync();
            await renewing;
            held.Dispose();
        }
    }

    /// <summary>The claim, one statement that also returns what it claimed: those of <paramref name="messageIds"/> that are
    /// queued and due, or left 送信中 by an instance that died (lease expired), become 送信中 under this claim's
    /// <paramref name="owner"/> until <paramref name="until"/>. Found by their ids (the primary key): the state is tested in a
    /// conditional, which no index answers, because SQLite (without statistics) otherwise preferred the (state, next attempt)
    /// index and read every due message of the queue for each claim (also used to check the plan).</summary>
    public static OutboxSql Claim(MadoguchiDbContext db, IReadOnlyList<Guid> messageIds, DateTime now, DateTime until, string owner)
    {
        var q = new OutboxSql(db);
        string Column(string property) => q.Column(property);
        var state = Column(nameof(OutgoingMessage.State));
        var attempts = Column(nameof(OutgoingMessage.Attempts));
        var at = q.Parameter(nameof(OutgoingMessage.LastAttemptAt), "now", now);
        var sending = q.Parameter(nameof(OutgoingMessage.State), "sending", SendState.Sending);
        var ids = messageIds.Select((id, i) => q.Parameter(nameof(OutgoingMessage.TicketMessageId), $"i{i}", id)).ToList();
        q.Text.Append("UPDATE ").Append(q.Table).Append(" SET ")
            .Append(state).Append(" = ").Append(sending)
            .Append(", ").Append(Column(nameof(OutgoingMessage.LeaseOwner))).Append(" = ").Append(q.Parameter(nameof(OutgoingMessage.LeaseOwner), "owner", owner))
            .Append(", ").Append(Column(nameof(OutgoingMessage.LeaseUntil))).Append(" = ").Append(q.Parameter(nameof(OutgoingMessage.LeaseUntil), "until", until))
            .Append(", ").Append(attempts).Append(" = ").Append(attempts).Append(" + 1")
            .Append(", ").Append(Column(nameof(OutgoingMessage.LastAttemptAt))).Append(" = ").Append(at)
            .Append(" WHERE ").Append(Column(nameof(OutgoingMessage.TicketMessageId))).Append(" IN (").AppendJoin(", ", ids).Append(')')
            .Append(" AND CASE WHEN ").Append(state).Append(" = ").Append(q.Parameter(nameof(OutgoingMessage.State), "queued", SendState.Queued))
            .Append(" THEN ").Append(Column(nameof(OutgoingMessage.NextAttemptAt))).Append(" <= ").Append(at)
            .Append(" WHEN ").Append(state).Append(" = ").Append(sending)
            .Append(" THEN ").Append(Column(nameof(OutgoingMessage.LeaseUntil))).Append(" < ").Append(at)
            .Append(" ELSE 1 = 0 END")
            .Append(" RETURNING *");
        return q;
    }

    /// <summary>A message ready to send: its stored bytes opened and its envelope made, or why it cannot be sent.</summary>
    private sealed record Prepared(OutgoingMessage Outgoing, SmtpMessage? Message, SendFailure? Failure) : IDisposable
    {
        public void Dispose() => Message?.Content.Dispose();
    }

    private async Task<Prepared> PrepareAsync(OutgoingMessage outgoing, CancellationToken ct)
    {
        if (!_addresses.TryGetValue(outgoing.SendAddressId, out var address))
        {
            address = await db.SendAddresses.AsNoTracking().SingleOrDefaultAsync(a => a.Id == outgoing.SendAddressId, ct);
            _addresses[outgoing.SendAddressId] = address;
        }
        if (address is null)
            return new Prepared(outgoing, null, new SendFailure(SendErrorCode.SendAddressMissing, null, false));
        Stream stored;
        try
        {
            stored = blobs.OpenRead(outgoing.BlobHash);
        }
        catch (FileNotFoundException)
        {
            return new Prepared(outgoing, null, new SendFailure(SendErrorCode.OriginalMissing, null, false));
        }
        try
        {
            var envelopeFrom = await Verp.EnvelopeAsync(db, outgoing, address, ct);
            // The stored bytes as they are: the message was made and checked when it was queued.
            return new Prepared(outgoing, new SmtpMessage(stored, outgoing.Size, envelopeFrom, outgoing.Recipients.Split('\n', StringSplitOptions.RemoveEmptyEntries)), null);
        }
        catch
        {
            await stored.DisposeAsync();
            throw;
        }
    }

    private async Task<SendFailure?> DeliverAsync(SmtpSession session, Prepared prepared, SmtpMessage? next, CancellationToken ct)
    {
        var outgoing = prepared.Outgoing;
        var address = _addresses[outgoing.SendAddressId]!;
        var connection = await session.ConnectionForAsync(outgoing.SendAddressId, () => Task.FromResult<SmtpConnection?>(SmtpConnection.Of(address, passwords)));
        if (connection is null)
            return new SendFailure(SendErrorCode.SendAddressMissing, null, false);
        try
        {
            await session.SendAsync(connection, prepared.Message!, next, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var failure = SendFailureClassifier.Classify(e, session.Certificate);
            await session.CloseAsync();
            SendingLog.AttemptFailed(logger, outgoing.TicketMessageId, failure.Code, failure.Temporary, e);
            return failure;
        }
        return null;
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
