using Madoguchi.Core.Receiving.Parsing;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Reads the original with <see cref="MessageParser"/>, which never throws: what it cannot read ends up in ReadProblem.</summary>
internal sealed class ParseStep(MessageParser parser) : IInboundStep
{
    public int Order => InboundStepOrder.Parse;

    public InboundStepPhase Phase => InboundStepPhase.Prepare;

    public Task RunAsync(InboundMessage message, CancellationToken ct)
    {
        message.Parsed = parser.Parse(message.Bytes);
        return Task.CompletedTask;
    }
}
