using System.Threading.Channels;
using Madoguchi.Core.Data;
using Madoguchi.Core.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Sending;

/// <summary>What one attempt came to: accepted (no failure) or refused, known at <see cref="At"/>, to be written only where
/// the claim <see cref="Owner"/> still owns the message. <see cref="Address"/> decides whether a Sent folder copy follows.</summary>
public sealed record OutboxOutcome(OutgoingMessage Outgoing, SendFailure? Failure, DateTime At, string Owner, SendAddress? Address);

/// <summary>The instance's outbox writes, as a group commit: the claims of its connections and their outcomes. Each
/// connection hands over its outcomes a group at a time (<see cref="SendingOptions.OutcomesPerCommit"/>) and goes on
/// sending while they are written; whatever claims and groups came in while the last transaction ran are written by the
/// next one, so one disk flush covers several connections (SQLite has one writer anyway; on PostgreSQL the rows are
/// locked as before). A claim's messages are sent only once its transaction committed. The accepted messages of a claim
/// are one UPDATE; a refusal is written on its own. A message stays 送信中 until its outcome is written; a crash before
/// that leaves it to the crash rule (sent again with the same Message-ID). Each task ends when its transaction committed,
/// or fails with it.</summary>
public sealed class OutboxWriter(IServiceScopeFactory scopes, OutboxWriteGate writes, IOptions<SendingOptions> options, MadoguchiMetrics metrics) : IDisposable
{
    /// <summary>One write: a group of outcomes, or a claim (its statement, and where its claimed messages go).</summary>
    private sealed record Work(IReadOnlyList<OutboxOutcome>? Group, OutboxSql? Claim, TaskCompletionSource<List<OutgoingMessage>> Done);

    private readonly Channel<Work> _queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _start = new();
    private Task? _writer;

    /// <summary>Queues one connection's <paramref name="group"/>; the task ends when it is written (committed).</summary>
    public Task WriteAsync(IReadOnlyList<OutboxOutcome> group) =>
        group.Count == 0 ? Task.CompletedTask : Enqueue(new Work(group, null, NewDone()));

    /// <summary>Runs <paramref name="claim"/> (an UPDATE … RETURNING, <see cref="OutboxSender.Claim"/>) in the next
    /// transaction; the task gives the claimed messages once it committed.</summary>
    public Task<List<OutgoingMessage>> ClaimAsync(OutboxSql claim) => Enqueue(new Work(null, claim, NewDone()));

    private static TaskCompletionSource<List<OutgoingMessage>> NewDone() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task<List<OutgoingMessage>> Enqueue(Work work)
    {
        if (!_queue.Writer.TryWrite(work))
            throw new ObjectDisposedException(nameof(OutboxWriter));
        if (_writer is null)
        {
            lock (_start)
                _writer ??= Task.Run(WriteAllAsync);
        }
        return work.Done.Task;
    }

    private async Task WriteAllAsync()
    {
        var works = new List<Work>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            works.Clear();
            // A connection has at most one claim or one group in writing, so this takes everything waiting.
            while (works.Count < 2 * options.Value.MaxParallel && _queue.Reader.TryRead(out var next))
                works.Add(next);
            try
            {
                var claimed = await WriteTogetherAsync(works);
                for (var i = 0; i < works.Count; i++)
                    works[i].Done.TrySetResult(claimed[i]);
            }
            catch (Exception e)
            {
                // The senders see it (their pass fails and is logged); their messages stay 送信中 until the lease runs out,
                // and a claim that failed sends nothing.
                foreach (var work in works)
                    work.Done.TrySetException(e);
            }
        }
    }

    /// <summary>One transaction: the claims first (their connections wait for them), then the outcomes. Returns each
    /// work's claimed messages (empty for a group of outcomes).</summary>
    private async Task<List<List<OutgoingMessage>>> WriteTogetherAsync(IReadOnlyList<Work> works)
    {
        var outcomes = works.Where(w => w.Group is not null).SelectMany(w => w.Group!).ToList();
        var claimed = new List<List<OutgoingMessage>>(works.Count);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        using (await writes.EnterAsync(db, CancellationToken.None))
        await using (var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None))
        {
            foreach (var work in works)
            {
                claimed.Add(work.Claim is { } claim
                    ? await db.OutgoingMessages.FromSqlRaw(claim.Text.ToString(), [.. claim.Parameters]).AsNoTracking().ToListAsync(CancellationToken.None)
                    : []);
            }
            foreach (var claim in outcomes.Where(x => x.Failure is null).GroupBy(x => x.Owner))
                await RecordSentAsync(db, [.. claim.Select(x => (x.Outgoing.TicketMessageId, x.At))], claim.Key);
            foreach (var refused in outcomes.Where(x => x.Failure is not null))
                await RecordFailureAsync(db, refused.Outgoing, refused.Failure!, refused.At, refused.Owner);
            await transaction.CommitAsync(CancellationToken.None);
        }
        // Sent: the copy to the Sent folder is made later, by its own worker, outside this lease (and outside the
        // transaction: a marker already there is a unique-key error, which would end a PostgreSQL transaction).
        var sentCopies = scope.ServiceProvider.GetRequiredService<SentCopies.SentCopyScheduler>();
        foreach (var outcome in outcomes)
        {
            if (outcome.Failure is null && outcome.Address is { CopyToSentFolder: true } address)
                await sentCopies.ScheduleAsync(outcome.Outgoing, address);
        }
        return claimed;
    }

    public void Dispose() => _queue.Writer.TryComplete();

    /// <summary>The messages one claim's server accepted, as one UPDATE (was one per message: the statements, not the
    /// disk flush, were most of the outcome's cost), each with its own time (<see cref="SentCommand"/>).</summary>
    private async Task RecordSentAsync(MadoguchiDbContext db, List<(Guid Id, DateTime At)> sent, string owner)
    {
        await using var command = SentCommand(db, sent, owner);
        var updated = await command.ExecuteNonQueryAsync(CancellationToken.None);
        foreach (var _ in sent)
            metrics.SendAttempted("sent", null);
        for (var i = 0; i < updated; i++)
            metrics.MessageSent();
    }

    /// <summary><c>UPDATE … SET State = 'Sent', SentAt = CASE Id WHEN @i0 THEN @t0 … END, LeaseOwner = NULL … WHERE Id IN
    /// (@i0, …) AND (this claim's and 送信中)</c>, written by <see cref="OutboxSql"/>. In the current transaction; also used
    /// to check its plan.</summary>
    public static System.Data.Common.DbCommand SentCommand(MadoguchiDbContext db, IReadOnlyList<(Guid Id, DateTime At)> sent, string owner)
    {
        var q = new OutboxSql(db);
        var id = q.Column(nameof(OutgoingMessage.TicketMessageId));
        var ids = new List<string>(sent.Count);
        q.Text.Append("UPDATE ").Append(q.Table).Append(" SET ")
            .Append(q.Column(nameof(OutgoingMessage.State))).Append(" = ").Append(q.Parameter(nameof(OutgoingMessage.State), "sent", SendState.Sent))
            .Append(", ").Append(q.Column(nameof(OutgoingMessage.SentAt))).Append(" = CASE ").Append(id);
        for (var i = 0; i < sent.Count; i++)
        {
            ids.Add(q.Parameter(nameof(OutgoingMessage.TicketMessageId), $"i{i}", sent[i].Id));
            q.Text.Append(" WHEN ").Append(ids[i]).Append(" THEN ").Append(q.Parameter(nameof(OutgoingMessage.SentAt), $"t{i}", sent[i].At));
        }
        q.Text.Append(" END");
        foreach (var cleared in new[] { nameof(OutgoingMessage.LeaseOwner), nameof(OutgoingMessage.LeaseUntil), nameof(OutgoingMessage.ErrorCode), nameof(OutgoingMessage.ServerReply) })
            q.Text.Append(", ").Append(q.Column(cleared)).Append(" = NULL");
        // The claim's test in a conditional, which no index answers: with "State = 'Sending'" on its own both databases
        // walked the (state, next attempt) index, every message being sent, instead of finding the ids by key.
        q.Text.Append(" WHERE ").Append(id).Append(" IN (").AppendJoin(", ", ids).Append(')')
            .Append(" AND CASE WHEN ").Append(q.Column(nameof(OutgoingMessage.LeaseOwner))).Append(" = ").Append(q.Parameter(nameof(OutgoingMessage.LeaseOwner), "owner", owner))
            .Append(" THEN ").Append(q.Column(nameof(OutgoingMessage.State))).Append(" END = ").Append(q.Parameter(nameof(OutgoingMessage.State), "sending", SendState.Sending));
        return q.Command(db);
    }

    /// <summary>One failed attempt's outcome, known at <paramref name="now"/>: retried later, or failed for good.</summary>
    private async Task RecordFailureAsync(MadoguchiDbContext db, OutgoingMessage outgoing, SendFailure failure, DateTime now, string owner)
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
