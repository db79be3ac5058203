using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Bounces;

/// <summary>Puts a recognised bounce where it belongs: the sent message it reports on (found by the VERP address it came
/// back to, else by the returned original's Message-ID, else the report's own In-Reply-To / References, among the inbox's sent messages) is marked bounced with the
/// report's recipients, the bounce joins that message's ticket instead of opening a customer ticket, and hard-bounced
/// addresses are flagged for the account. A bounce that matches nothing we sent stays a ticket of its own, marked as a
/// bounce by the store step. Runs after threading, so it overrides a thread found by the report's own headers.</summary>
internal sealed class BounceMatchingStep(MadoguchiDbContext db) : IInboundStep
{
    public int Order => InboundStepOrder.BounceMatching;

    public InboundStepPhase Phase => InboundStepPhase.Transaction;

    public async Task RunAsync(InboundMessage message, CancellationToken ct)
    {
        if (message.Bounce is not { } report)
            return;
        var bounced = await ByVerpAsync(message, ct) ?? await ByMessageIdAsync(message, report, ct);
        if (bounced is null)
            return;

        message.BouncedMessage = bounced;
        // Re-running keeps a message where it is (agents may have worked it since), as threading does.
        if (message.Previous is null)
            message.ThreadTicketId = bounced.TicketId;
        bounced.BounceJson = MessageBounce.From(report, message.Raw.ReceivedAt).ToJson();

        foreach (var recipient in report.Recipients.Where(r => r.HardBounce))
        {
            var address = recipient.Address.ToLowerInvariant();
            if (address.Length > 320)
                continue;
            var flagged = db.ChangeTracker.Entries<HardBouncedAddress>().Select(e => e.Entity)
                    .FirstOrDefault(a => a.AccountId == bounced.AccountId && a.Address == address)
                ?? await db.Set<HardBouncedAddress>().FirstOrDefaultAsync(a => a.AccountId == bounced.AccountId && a.Address == address, ct);
            if (flagged is null)
            {
                flagged = new HardBouncedAddress { AccountId = bounced.AccountId, Address = address };
                db.Set<HardBouncedAddress>().Add(flagged);
            }
            flagged.Status = recipient.Status.Length > 16 ? recipient.Status[..16] : recipient.Status;
            flagged.Reason = recipient.Reason;
            flagged.LastBouncedAt = message.Raw.ReceivedAt;
            flagged.TicketMessageId = bounced.Id;
        }
    }

    /// <summary>First rule: the bounce came back to the VERP address of one of the inbox's sent messages (the address in
    /// its To / Delivered-To / X-Original-To / Envelope-To headers, <see cref="Sending.Verp"/>), whatever it quotes.</summary>
    private async Task<TicketMessage?> ByVerpAsync(InboundMessage message, CancellationToken ct)
    {
        var tokens = Sending.Verp.TokensIn(message.Bytes.Span);
        if (tokens.Count == 0)
            return null;
        var inboxId = message.Raw.InboxId;
        var ids = await db.OutgoingMessages.AsNoTracking().Where(o => o.InboxId == inboxId && o.VerpToken != null && tokens.Contains(o.VerpToken))
            .Select(o => o.TicketMessageId).ToListAsync(ct);
        return ids.Count == 0 ? null : await db.TicketMessages.FirstOrDefaultAsync(m => ids.Contains(m.Id), ct);
    }

    /// <summary>Then the returned original's Message-ID, else the report's own In-Reply-To / References.</summary>
    private async Task<TicketMessage?> ByMessageIdAsync(InboundMessage message, Analysis.BounceReport report, CancellationToken ct)
    {
        var candidates = new List<string>();
        void Consider(string? id)
        {
            var trimmed = id?.Trim().Trim('<', '>');
            if (!string.IsNullOrEmpty(trimmed) && trimmed.Length <= 998 && !candidates.Contains(trimmed))
                candidates.Add(trimmed);
        }
        Consider(report.OriginalMessageId);
        Consider(message.Parsed.InReplyTo);
        foreach (var reference in message.Parsed.References.Reverse())
            Consider(reference);
        if (candidates.Count == 0)
            return null;

        var inboxId = message.Raw.InboxId;
        var sent = await db.TicketMessages
            .Where(m => m.InboxId == inboxId && m.Direction == MessageDirection.Sent && candidates.Contains(m.MessageIdHeader))
            .ToListAsync(ct);
        return candidates.Select(c => sent.FirstOrDefault(m => m.MessageIdHeader == c)).FirstOrDefault(m => m is not null);
    }
}
