namespace Madoguchi.Core.Search;

/// <summary>Takes messages out of the search index (their documents and postings). Whoever deletes messages (retention,
/// 「ゴミ箱を空にする」, deleting a ticket) calls this first, in the same transaction as the delete. Deleting a message
/// alone removes its document by cascade but leaves its postings behind (harmless for results, but space).</summary>
public sealed class RemoveFromSearchIndexCommand(SearchIndexWriter writer)
{
    public Task<int> HandleAsync(IReadOnlyCollection<Guid> messageIds, CancellationToken ct) => writer.RemoveAsync(messageIds, ct);
}
