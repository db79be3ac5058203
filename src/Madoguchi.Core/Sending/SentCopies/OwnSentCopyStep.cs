using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Sending.SentCopies;

/// <summary>Recognises our own sent mail coming back in: a fetched message whose Message-ID is that of a message this inbox
/// sent (the copy in the Sent folder when 受信設定 also fetches that folder, or a reply that Cc'd the inbox's own address)
/// is the message already on its ticket. It is recorded as processed and goes no further: no ticket, no message, no
/// reopening. One query per transaction for the whole batch.</summary>
internal sealed class OwnSentCopyStep(MadoguchiDbContext db) : IInboundBatchStep
{
    private readonly HashSet<(Guid InboxId, string MessageId)> _sent = [];

    public int Order => InboundStepOrder.OwnSentCopy;

    public InboundStepPhase Phase => InboundStepPhase.Transaction;

    public async Task BeforeBatchAsync(IReadOnlyList<InboundMessage> batch, CancellationToken ct)
    {
        _sent.Clear();
        var fresh = batch.Where(m => m.Previous is null && m.Parsed.MessageId.Length > 0).ToList();
        if (fresh.Count == 0)
            return;
        var inboxIds = fresh.Select(m => m.Raw.InboxId).Distinct().ToList();
        var ids = fresh.Select(m => m.Parsed.MessageId).Distinct().ToList();
        var found = await db.TicketMessages.AsNoTracking()
            .Where(m => inboxIds.Contains(m.InboxId) && ids.Contains(m.MessageIdHeader) && m.Direction == MessageDirection.Sent)
            .Select(m => new { m.InboxId, m.MessageIdHeader }).ToListAsync(ct);
        foreach (var f in found)
            _sent.Add((f.InboxId, f.MessageIdHeader));
    }

    public Task RunAsync(InboundMessage message, CancellationToken ct)
    {
        if (message.Previous is null && _sent.Contains((message.Raw.InboxId, message.Parsed.MessageId)))
            message.IsOwnSentCopy = true;
        return Task.CompletedTask;
    }
}
