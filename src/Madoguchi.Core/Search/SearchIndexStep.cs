using Madoguchi.Core.Receiving.Pipeline;

namespace Madoguchi.Core.Search;

/// <summary>Writes the search document of the message the store step wrote, in the same transaction: a message is
/// searchable exactly when it is stored. Its postings follow in the background (<see cref="SearchIndexWorker"/>).
/// Re-running replaces the message's document and postings.</summary>
internal sealed class SearchIndexStep(SearchIndexWriter writer) : IInboundStep
{
    public int Order => InboundStepOrder.SearchIndex;

    public InboundStepPhase Phase => InboundStepPhase.Transaction;

    public async Task RunAsync(InboundMessage message, CancellationToken ct)
    {
        var stored = message.Stored ?? throw new InvalidOperationException("The search index step runs after the store step.");
        // The names the store step gave the attachments (it may not have attached the rows to the message on a re-run).
        var names = message.Parsed.Attachments.Select((a, i) => string.IsNullOrWhiteSpace(a.FileName) ? $"attachment-{i + 1}" : a.FileName);
        await writer.WriteAsync(stored, names, mayExist: message.Previous is not null, ct);
    }
}
