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

/// <summary>Writes the outcomes of the instance's outbox connections, as a group commit: each connection hands over its
/// outcomes a group at a time (<see cref="SendingOptions.OutcomesPerCommit"/>) and goes on sending while they are written;
/// the groups of all connections that came in while the last transaction ran are written by the next one, so one disk
/// flush covers several connections. The accepted messages of a claim are one UPDATE; a refusal is written on its own.
/// A message stays 送信中 until its outcome is written; a crash before that leaves it to the crash rule (sent again with the
/// same Message-ID). Each group's task ends when its transaction committed, or fails with the transaction.</summary>
public sealed class OutboxOutcomes(IServiceScopeFactory scopes, OutboxWriteGate writes, IOptions<SendingOptions> options, MadoguchiMetrics metrics) : IDisposable
{
    private readonly Channel<(IReadOnlyList<OutboxOutcome> Group, TaskCompletionSource Written)> _queue =
        Channel.CreateUnbounded<(IReadOnlyList<OutboxOutcome>, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _start = new();
    private Task? _writer;

    /// <summary>Queues one connection's <paramref name="group"/>; the task ends when it is written (committed).</summary>
    public Task WriteAsync(IReadOnlyList<OutboxOutcome> group)
    {
        if (group.Count == 0)
            return Task.CompletedTask;
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((group, written)))
            throw new ObjectDisposedException(nameof(OutboxOutcomes));
        if (_writer is null)
        {
            lock (_start)
                _writer ??= Task.Run(WriteGroupsAsync);
        }
        return written.Task;
    }

    private async Task WriteGroupsAsync()
    {
        var groups = new List<(IReadOnlyList<OutboxOutcome> Group, TaskCompletionSource Written)>();
        // One context for the writer while its transactions succeed: a new scope and context for each transaction cost
        // ~6 % of the outbox's CPU (a context's first use builds its services). Its statements track nothing.
        AsyncServiceScope? scope = null;
        while (await _queue.Reader.WaitToReadAsync())
        {
            groups.Clear();
            // A connection has at most one group of its batch in writing, and its previous batch's last ones: usually
            // this takes every waiting group, and the rest go in the next transaction.
            while (groups.Count < options.Value.MaxParallel && _queue.Reader.TryRead(out var next))
                groups.Add(next);
            try
            {
                scope ??= scopes.CreateAsyncScope();
                await WriteTogetherAsync(scope.Value.ServiceProvider.GetRequiredService<MadoguchiDbContext>(), [.. groups.SelectMany(g => g.Group)]);
                foreach (var (_, written) in groups)
                    written.TrySetResult();
            }
            catch (Exception e)
            {
                // The senders see it (their pass fails and is logged); their messages stay 送信中 until the lease runs out.
                // The next transaction starts on a fresh context.
                foreach (var (_, written) in groups)
                    written.TrySetException(e);
                await DisposeQuietlyAsync(scope);
                scope = null;
            }
        }
        await DisposeQuietlyAsync(scope);
    }

    /// <summary>Also at shutdown, when the application's services may already be disposed.</summary>
    private static async Task DisposeQuietlyAsync(AsyncServiceScope? scope)
    {
        try
        {
            if (scope is { } s)
                await s.DisposeAsync();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task WriteTogetherAsync(MadoguchiDbContext db, IReadOnlyList<OutboxOutcome> outcomes)
    {
        using (await writes.EnterAsync(db, CancellationToken.None))
        await using (var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None))
        {
            foreach (var claim in outcomes.Where(x => x.Failure is null).GroupBy(x => x.Owner))
                await RecordSentAsync(db, [.. claim.Select(x => (x.Outgoing.TicketMessageId, x.At))], claim.Key);
            foreach (var refused in outcomes.Where(x => x.Failure is not null))
                await RecordFailureAsync(db, refused.Outgoing, refused.Failure!, refused.At, refused.Owner);
            await transaction.CommitAsync(CancellationToken.None);
        }
        // Sent: the copy to the Sent folder is made later, by its own worker, outside this lease (and outside the
        // transaction: a marker already there is a unique-key error, which would end a PostgreSQL transaction). In a
        // scope of its own: a marker that failed to be written stays in its context's change tracker.
        if (!outcomes.Any(o => o.Failure is null && o.Address is { CopyToSentFolder: true }))
            return;
        await using var copies = scopes.CreateAsyncScope();
        var sentCopies = copies.ServiceProvider.GetRequiredService<SentCopies.SentCopyScheduler>();
        foreach (var outcome in outcomes)
        {
            if (outcome.Failure is null && outcome.Address is { CopyToSentFolder: true } address)
                await sentCopies.ScheduleAsync(outcome.Outgoing, address);
        }
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
