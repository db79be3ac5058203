using Madoguchi.Core.Bounces.Analysis;
using Madoguchi.Core.Receiving.Pipeline;

namespace Madoguchi.Core.Bounces;

/// <summary>Recognises delivery failure reports (<see cref="BounceAnalyzer"/>). A cheap look at the header block first:
/// ordinary mail, nearly all of it, is never parsed a second time.</summary>
internal sealed class BounceDetectionStep : IInboundStep
{
    public int Order => InboundStepOrder.BounceDetection;

    public InboundStepPhase Phase => InboundStepPhase.Prepare;

    public Task RunAsync(InboundMessage message, CancellationToken ct)
    {
        var bytes = message.Bytes.Span;
        if (BounceAnalyzer.MayBeReport(bytes) && BounceAnalyzer.Analyze(bytes) is { IsBounce: true } report)
            message.Bounce = report;
        return Task.CompletedTask;
    }
}
