using Madoguchi.Core.Tickets;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Mail the upstream server marked as spam (X-Spam-Flag: YES, X-Spam-Status: Yes) opens its ticket in 迷惑メール.</summary>
internal sealed class SpamVerdictStep : IInboundStep
{
    public int Order => InboundStepOrder.SpamVerdict;

    public InboundStepPhase Phase => InboundStepPhase.Prepare;

    public Task RunAsync(InboundMessage message, CancellationToken ct)
    {
        message.Place = message.Parsed.SpamFlagged ? TicketPlace.Spam : TicketPlace.Inbox;
        return Task.CompletedTask;
    }
}
