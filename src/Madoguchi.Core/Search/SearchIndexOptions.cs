using System.ComponentModel.DataAnnotations;

namespace Madoguchi.Core.Search;

/// <summary>Installation settings for the background search indexer and for searches (section <c>Madoguchi:Search</c>).</summary>
public sealed class SearchIndexOptions
{
    public const string SectionName = "Madoguchi:Search";

    /// <summary>False: no background indexer in this instance (another instance, or <c>search reindex</c>, writes the
    /// postings; searches stay exact meanwhile, only slower).</summary>
    public bool RunIndexer { get; set; } = true;

    /// <summary>Documents whose postings one transaction writes.</summary>
    [Range(1, 10_000)]
    public int BatchDocuments { get; set; } = 500;

    /// <summary>While a fetch runs or the inbound pipeline has originals waiting, the indexer leaves the CPU and the database
    /// to receiving until the oldest waiting document has waited this long, then shares them (0: never wait; see
    /// <see cref="SearchIndexPolicy"/>). Searches stay exact meanwhile.</summary>
    [Range(0, 86_400)]
    public int DeferWhileReceivingSeconds { get; set; } = 60;

    /// <summary>How often the indexer looks for new documents when it has caught up.</summary>
    [Range(50, 60_000)]
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>Messages a search sorted by date reads, newest first, checking each against the terms, before it turns to
    /// gathering every match from the postings (<see cref="NewestMatchesWalk"/>); half of it once the page is full, to
    /// count past the page. 0: always from the postings.</summary>
    [Range(0, 1_000_000)]
    public int WalkMessages { get; set; } = 4000;
}
