using Madoguchi.Core.Data;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Finds the ticket a message replies to. A message joins a ticket ONLY when its In-Reply-To or References name a
/// Message-ID already in the same inbox (a message we received or sent). Same sender or same subject never joins.</summary>
internal sealed class ThreadingStep(MadoguchiDbContext db, ThreadIndex index) : IInboundBatchStep
{
    // A long References chain names its newest ancestors last; the newest few are enough to find the thread.
    private const int MaxReferences = 50;

    public int Order => InboundStepOrder.Threading;

    public InboundStepPhase Phase => InboundStepPhase.Transaction;

    /// <summary>One indexed query for every reply header of the batch; messages stored earlier in the batch join the index
    /// as the store step writes them.</summary>
    public async Task BeforeBatchAsync(IReadOnlyList<InboundMessage> batch, CancellationToken ct)
    {
        var inboxes = new HashSet<Guid>();
        var candidates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in batch)
        {
            if (message.Previous is not null)
                continue;
            message.ThreadCandidates = Candidates(message);
            if (message.ThreadCandidates.Count == 0)
                continue;
            inboxes.Add(message.Raw.InboxId);
            candidates.UnionWith(message.ThreadCandidates);
        }
        if (candidates.Count == 0)
            return;

        var inboxIds = inboxes.ToList();
        var ids = candidates.ToList();
        var found = await db.TicketMessages.AsNoTracking()
            .Where(m => inboxIds.Contains(m.InboxId) && ids.Contains(m.MessageIdHeader))
            .Select(m => new { m.InboxId, m.MessageIdHeader, m.TicketId })
            .ToListAsync(ct);
        foreach (var f in found)
            index.Add(f.InboxId, f.MessageIdHeader, f.TicketId);

        // A new message changes its ticket (status, counts): claim each replied-to ticket first (its version goes up in
        // SQL and its row waits for, or makes wait, a person's change), then read it as it is now. Tracked, so the
        // store step finds it without a query of its own. A ticket deleted meanwhile is not found: the reply opens a new one.
        var claimed = await TicketVersions.ClaimAllAsync(db, found.Select(f => f.TicketId), ct);
        if (claimed.Count > 0)
            await db.Tickets.Where(t => claimed.Contains(t.Id)).LoadAsync(ct);
    }

    public Task RunAsync(InboundMessage message, CancellationToken ct)
    {
        if (message.Previous is { } previous)
        {
            // Re-running keeps the message where it is: agents may have worked the ticket since.
            message.ThreadTicketId = previous.TicketId;
            return Task.CompletedTask;
        }

        // In-Reply-To first, then the newest reference: the message it most directly answers.
        foreach (var candidate in message.ThreadCandidates ?? Candidates(message))
        {
            if (index.TryFind(message.Raw.InboxId, candidate, out var ticketId))
            {
                message.ThreadTicketId = ticketId;
                break;
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>In order of preference: In-Reply-To, then References from newest to oldest.</summary>
    internal static List<string> Candidates(InboundMessage message)
    {
        var own = message.Parsed.MessageId;
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Consider(string id)
        {
            var trimmed = id.Trim().Trim('<', '>');
            if (trimmed.Length > 0 && trimmed.Length <= 998 && trimmed != own && seen.Add(trimmed))
                ids.Add(trimmed);
        }

        if (!string.IsNullOrWhiteSpace(message.Parsed.InReplyTo))
            Consider(message.Parsed.InReplyTo);
        var references = message.Parsed.References;
        for (var i = references.Count - 1; i >= 0 && i >= references.Count - MaxReferences; i--)
            Consider(references[i]);
        return ids;
    }
}
