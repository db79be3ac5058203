using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Search;

/// <summary>The newest matches found by reading the messages newest first and checking each against the terms (its
/// postings, then its text): a term in a third of the messages fills a page of 50 after ~150 messages, where gathering
/// every match from the postings and sorting them costs all 30,000 of them (bench/README, "Search"). Reads at most
/// <paramref name="budget"/> messages; null when the page was not full by then (the terms are rare: the postings answer
/// better). Past the page it goes on counting until it has read half the budget, up to the count asked for.</summary>
/// <remarks>Each chunk is two plain look-ups (the messages with their document keys; the keys among them whose documents
/// have every gram and hold the terms the grams cannot decide) rather than one query with a test per message: PostgreSQL
/// planned such a test as a scan of every document.</remarks>
public sealed class NewestMatchesWalk(MadoguchiDbContext db, IQueryable<SearchRow> scope, IReadOnlyList<string> terms, int budget)
{
    /// <summary>Messages read by the first round trip; each next one reads twice as many (see <see cref="RunAsync"/> for
    /// the one cap).</summary>
    public const int FirstChunk = 200;

    public sealed record Found(List<Guid> Page, int Total, bool TotalIsLowerBound);

    private readonly int[] _grams = [.. terms.SelectMany(SearchText.QueryGrams).Distinct()];

    public async Task<Found?> RunAsync(int offset, int limit, int countUpTo, CancellationToken ct)
    {
        var wanted = offset + limit;
        var page = new List<Guid>(limit);
        var matches = 0;
        var read = 0;
        var chunk = Math.Max(FirstChunk, 2 * wanted);
        (DateTime Date, Guid Id)? after = null;
        while (true)
        {
            // Once the page is full, counting goes on over half the budget only: at 1,000,000 messages on PostgreSQL the
            // count was most of the time of a search (bench/README, "Search": reading the newest messages first).
            var until = matches >= wanted ? budget / 2 : budget;
            if (read >= until)
                return matches >= wanted ? new Found(page, matches, true) : null;
            var take = Math.Min(chunk, until - read);
            // Filling the page, the next chunk reads no further past the counting horizon than the matches seen so far
            // say the page still needs (with half again to spare): more would only count. A word in one message of 36
            // then stops at about 2,000 messages instead of doubling on to 3,000. (Reading the rest in one chunk instead
            // of doubling chunks was slower: bench/README, "Search".)
            if (matches > 0 && matches < wanted)
                take = (int)Math.Min(take, Math.Max(budget / 2 - read, Math.Ceiling(1.5 * (wanted - matches) * read / matches)));
            var rows = await Chunk(after, take).ToListAsync(ct);
            read += rows.Count;
            var matching = await MatchingAsync(rows, ct);
            foreach (var row in rows.Where(r => matching.Contains(r.Key)))
            {
                if (matches >= offset && matches < wanted)
                    page.Add(row.Id);
                matches++;
            }
            if (rows.Count < take)
                // The end of the messages: every match has been seen.
                return new Found(page, Math.Min(matches, countUpTo), matches > countUpTo);
            if (matches >= countUpTo)
                return new Found(page, countUpTo, true);
            // Rare terms: when the matches seen so far say the page would not be full within the budget, the postings
            // answer sooner (a word found in none of the first 200 messages gives up after those).
            if (matches < wanted && (long)read * wanted > (long)budget * Math.Max(matches, 0.5))
                return null;
            after = (rows[^1].Date, rows[^1].Id);
            chunk *= 2;
        }
    }

    /// <summary>The next messages after the cursor, newest first (ties on the date by id), with their document keys.</summary>
    public IQueryable<WalkedRow> Chunk((DateTime Date, Guid Id)? after, int take)
    {
        var rows = scope;
        if (after is var (date, id))
            rows = rows.Where(r => r.Date < date || (r.Date == date && r.Id.CompareTo(id) < 0));
        return (from r in rows
                join d in db.SearchDocuments on r.Id equals d.MessageId
                orderby r.Date descending, r.Id descending
                select new WalkedRow(r.Id, r.Date, d.Key, d.PostingsPendingSince != null)).Take(take);
    }

    /// <summary>The keys of the documents among these that hold every term: as many of the query's distinct grams as
    /// there are (counted per document, looked up by key: a list of keys beside the list of grams became, on PostgreSQL,
    /// a read of every posting of the grams filtered by key), then the text for the terms the grams cannot decide. A
    /// document still waiting for its postings is decided by its text alone.</summary>
    private async Task<HashSet<long>> MatchingAsync(List<WalkedRow> rows, CancellationToken ct) =>
        rows.Count == 0 ? [] : [.. await Matching(rows.Select(r => r.Key).ToList()).ToListAsync(ct)];

    /// <summary>The keys among <paramref name="keys"/> whose documents hold every term (see <see cref="MatchingAsync"/>).</summary>
    public IQueryable<long> Matching(List<long> keys)
    {
        var grams = _grams;
        var count = grams.Length;
        var documents = db.SearchDocuments.Where(d => keys.Contains(d.Key));
        if (count > 0)
        {
            documents = documents.Where(d =>
                d.PostingsPendingSince != null || db.SearchPostings.Count(p => grams.Contains(p.Gram) && p.DocumentKey == d.Key) == count);
        }
        foreach (var term in terms)
        {
            documents = SearchText.PostingsAreExact(term)
                ? documents.Where(d => d.PostingsPendingSince == null || d.Text.Contains(term))
                : documents.Where(d => d.Text.Contains(term));
        }
        return documents.Select(d => d.Key);
    }

    public sealed record WalkedRow(Guid Id, DateTime Date, long Key, bool Pending);
}
