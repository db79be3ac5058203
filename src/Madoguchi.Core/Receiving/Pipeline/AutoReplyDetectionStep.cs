namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Marks machine-sent mail (Auto-Submitted, X-Auto-Response-Suppress, Precedence bulk/junk/list …) so that
/// nothing of ours ever answers it automatically: the guard against mail loops. The message is still stored as usual.</summary>
internal sealed class AutoReplyDetectionStep : IInboundStep
{
    public int Order => InboundStepOrder.AutoReplyDetection;

    public InboundStepPhase Phase => InboundStepPhase.Prepare;

    public Task RunAsync(InboundMessage message, CancellationToken ct)
    {
        message.IsAutomatic = message.Parsed.AutoReply.IsAutomatic;
        return Task.CompletedTask;
    }
}
