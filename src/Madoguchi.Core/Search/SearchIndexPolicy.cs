namespace Madoguchi.Core.Search;

/// <summary>When the background indexer steps aside for receiving.</summary>
public static class SearchIndexPolicy
{
    /// <summary>True while receiving is busy and the oldest document waiting for its postings (null: none) has waited less
    /// than <paramref name="limit"/>: a document never waits longer than that, however long an import runs.</summary>
    public static bool Defer(bool receiving, TimeSpan? oldestWaiting, TimeSpan limit) =>
        receiving && limit > TimeSpan.Zero && (oldestWaiting is null || oldestWaiting < limit);
}
