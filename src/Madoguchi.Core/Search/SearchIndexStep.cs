using Madoguchi.Core.Common;
using Madoguchi.Core.Receiving.Pipeline;

namespace Madoguchi.Core.Search;

/// <summary>Writes the search document of the message the store step wrote, in the same transaction: a message is
/// searchable exactly when it is stored. Its postings follow in the background (<see cref="SearchIndexWorker"/>).
/// Re-running replaces the message's document and postings.</summary>
internal sealed class SearchIndexStep(SearchIndexWriter writer) : IInboundBatchStep
{
    public int Order => InboundStepOrder.SearchIndex;

    public InboundStepPhase Phase => InboundStepPhase.Transaction;

    /// <summary>Picks the ids of the messages the store step will create and reserves their documents' keys with one
    /// query for the transaction. Without it each new document looked its key up on its own: 10,000 queries for a
    /// 10,000-message import, all inside transactions that hold SQLite's single writer, which the fetcher's commits
    /// wait for. A key found taken is not reserved, and <see cref="SearchIndexWriter.WriteAsync"/> looks for the next
    /// free one as before. Ids are drawn in processing order, as the store step would have drawn them.</summary>
    public async Task BeforeBatchAsync(IReadOnlyList<InboundMessage> batch, CancellationToken ct)
    {
        var fresh = new List<Guid>(batch.Count);
        foreach (var message in batch.Where(m => m.Previous is null))
        {
            message.NewMessageId ??= Ids.New();
            fresh.Add(message.NewMessageId.Value);
        }
        if (fresh.Count > 0)
            await writer.ReserveKeysAsync(fresh, ct);
    }

    public async Task RunAsync(InboundMessage message, CancellationToken ct)
    {
        var stored = message.Stored ?? throw new InvalidOperationException("The search index step runs after the store step.");
        // The names the store step gave the attachments (it may not have attached the rows to the message on a re-run).
        var names = message.Parsed.Attachments.Select((a, i) => string.IsNullOrWhiteSpace(a.FileName) ? $"attachment-{i + 1}" : a.FileName);
        // The body folded before the transaction (SearchFoldStep), when the stored message carries that same body.
        var body = message.SearchBody is { } folded && ReferenceEquals(stored.Text, message.Parsed.Text) && ReferenceEquals(stored.Html, message.Parsed.Html)
            ? folded : null;
        await writer.WriteAsync(stored, names, mayExist: message.Previous is not null, ct, body: body);
    }
}

/// <summary>Folds the body for search before the transaction, in parallel with the other prepare steps: parsing an HTML
/// part is the costly half of indexing, and inside the transaction it would hold the single writer meanwhile.</summary>
internal sealed class SearchFoldStep : IInboundStep
{
    public int Order => InboundStepOrder.SearchFold;

    public InboundStepPhase Phase => InboundStepPhase.Prepare;

    public Task RunAsync(InboundMessage message, CancellationToken ct)
    {
        message.SearchBody = SearchIndexWriter.FoldBody(message.Parsed.Text, message.Parsed.Html);
        return Task.CompletedTask;
    }
}
