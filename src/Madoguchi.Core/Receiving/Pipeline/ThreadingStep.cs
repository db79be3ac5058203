using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Finds the ticket a message replies to. A message joins a ticket ONLY when its In-Reply-To or References name a
/// Message-ID already in the same inbox (a message we received or sent). Same sender or same subject never joins.</summary>
internal sealed class ThreadingStep(MadoguchiDbContext db) : IInboundStep
{
    // A long References chain names its newest ancestors last; the newest few are enough to find the thread.
    private const int MaxReferences = 50;

    public int Order => InboundStepOrder.Threading;

    public async Task RunAsync(InboundMessage message, CancellationToken ct)
    {
        if (message.Previous is { } previous)
        {
            // Re-running keeps the message where it is: agents may have worked the ticket since.
            message.ThreadTicketId = previous.TicketId;
            return;
        }

        var candidates = Candidates(message);
        if (candidates.Count == 0)
            return;
        var inboxId = message.Raw.InboxId;
        var rawId = message.Raw.Id;
        var found = await db.TicketMessages.AsNoTracking()
            .Where(m => m.InboxId == inboxId && candidates.Contains(m.MessageIdHeader) && m.RawMessageId != rawId)
            .Select(m => new { m.MessageIdHeader, m.TicketId })
            .ToListAsync(ct);
        if (found.Count == 0)
            return;
        // In-Reply-To first, then the newest reference: the message it most directly answers.
        var byId = found.GroupBy(f => f.MessageIdHeader, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().TicketId, StringComparer.Ordinal);
        message.ThreadTicketId = candidates.Where(byId.ContainsKey).Select(c => byId[c]).First();
    }

    /// <summary>In order of preference: In-Reply-To, then References from newest to oldest.</summary>
    internal static List<string> Candidates(InboundMessage message)
    {
        var ids = new List<string>();
        if (!string.IsNullOrWhiteSpace(message.Parsed.InReplyTo))
            ids.Add(message.Parsed.InReplyTo.Trim().Trim('<', '>'));
        ids.AddRange(message.Parsed.References.Reverse().Take(MaxReferences).Select(r => r.Trim().Trim('<', '>')));
        var own = message.Parsed.MessageId;
        return ids.Where(i => i.Length > 0 && i.Length <= 998 && i != own).Distinct(StringComparer.Ordinal).ToList();
    }
}
