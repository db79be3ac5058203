namespace Madoguchi.Core.Search;

/// <summary>What the background indexer does next.</summary>
public enum SearchIndexTurn
{
    /// <summary>Nothing is being received: batch after batch while there is a backlog.</summary>
    Run,

    /// <summary>Receiving is busy and no document has waited long: leave the CPU and the database to it.</summary>
    Wait,

    /// <summary>Receiving is busy but a document has waited the limit: one batch, then a pause twice as long as it took,
    /// so a long import keeps about two thirds of the database's only writer (SQLite) and the postings still advance.</summary>
    Share,
}

/// <summary>When the background indexer steps aside for receiving.</summary>
public static class SearchIndexPolicy
{
    /// <summary>The pause after a batch written in a <see cref="SearchIndexTurn.Share"/> turn, per second the batch took.</summary>
    public const int SharePauseFactor = 2;

    /// <summary>Wait while receiving is busy and the oldest document waiting for its postings (null: none) has waited less
    /// than <paramref name="limit"/>; past it, share: a document never waits for a whole import, however long it runs.</summary>
    public static SearchIndexTurn Turn(bool receiving, TimeSpan? oldestWaiting, TimeSpan limit) =>
        !receiving || limit <= TimeSpan.Zero ? SearchIndexTurn.Run
        : oldestWaiting is null || oldestWaiting < limit ? SearchIndexTurn.Wait
        : SearchIndexTurn.Share;
}
