using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Search;

/// <summary>The documents that may hold every term, from the gram postings (plus the documents still waiting for theirs),
/// each then checked against its folded text: no miss (a document that holds a term has all its grams) and no false hit
/// (the text check). A two-character term is its own one gram, so for it the postings alone decide.</summary>
public sealed class PostingCandidates(MadoguchiDbContext db)
{
    /// <summary>The newest documents whose postings are counted to tell a term's rare grams from its common ones.</summary>
    public const int SampleDocuments = 5000;

    /// <summary>What one posting looked up by key costs, in postings read in order (PostgreSQL and SQLite B-trees: a
    /// descent per look-up against a step along a leaf).</summary>
    private const int LookupCost = 5;

    private long? _sampleFrom;

    public async Task<IQueryable<SearchDocument>> DocumentsAsync(IReadOnlyList<string> terms, Guid? accountId, CancellationToken ct)
    {
        // The account is already fixed by the visible inboxes (joined by the caller). Filtering documents by account as
        // well made SQLite walk every document of the account and test each against the candidates (O(messages), seen
        // in EXPLAIN QUERY PLAN) instead of looking the candidates up by key (O(matches)): the filter is only kept when no
        // term has candidates (one-character terms scan the account's documents).
        var documents = db.SearchDocuments.AsNoTracking();
        if (terms.All(t => SearchText.QueryGrams(t).Length == 0))
            documents = documents.Where(d => d.AccountId == accountId);
        foreach (var term in terms)
        {
            var grams = SearchText.QueryGrams(term);
            if (grams.Length == 0)
            {
                // One character: no gram to look up; the documents are scanned.
                documents = documents.Where(d => d.Text.Contains(term));
                continue;
            }
            // Documents whose postings the background indexer has not written yet are candidates too (a few: the
            // indexer's lag), so a message is found the moment it is stored; their text is always checked.
            var pending = db.SearchDocuments.Where(p => p.PostingsPendingSince != null).Select(p => p.Key);
            if (SearchText.PostingsAreExact(term))
            {
                // Two characters: the posting is the answer, no text is read for an indexed document.
                var gram = grams[0];
                var candidates = db.SearchPostings.Where(p => p.Gram == gram).Select(p => p.DocumentKey).Concat(pending);
                documents = documents.Where(d => candidates.Contains(d.Key) && (d.PostingsPendingSince == null || d.Text.Contains(term)));
            }
            else
            {
                var candidates = (await HavingEveryGramAsync(grams, ct)).Concat(pending);
                documents = documents.Where(d => candidates.Contains(d.Key) && d.Text.Contains(term));
            }
        }
        return documents;
    }

    /// <summary>How many of the documents after <paramref name="from"/> (the sample) have each of these grams.</summary>
    public IQueryable<GramCount> SampleCounts(int[] grams, long from) =>
        db.SearchPostings.Where(p => grams.Contains(p.Gram) && p.DocumentKey > from)
            .GroupBy(p => p.Gram).Select(g => new GramCount(g.Key, g.Count()));

    public sealed record GramCount(int Gram, int Count);

    /// <summary>The keys of the documents that have every one of these grams: every posting of every gram read and
    /// grouped by document, or, when that would cost more, the postings of the rarest gram each looked up in the others
    /// (rarer first). A token such as REF-0004242 is made of grams that are each in most messages: grouping read every
    /// posting of all eight, 1.8 s at 1,000,000 messages. Which grams are rare, and how often the rarest two meet, is
    /// counted among the newest <see cref="SampleDocuments"/> documents.</summary>
    private async Task<IQueryable<long>> HavingEveryGramAsync(int[] grams, CancellationToken ct)
    {
        var count = grams.Length;
        if (count >= 3)
        {
            // Where the sample starts: the same for every term of the search, so looked up once.
            _sampleFrom ??= await db.SearchDocuments.OrderByDescending(d => d.Key).Select(d => d.Key).Skip(SampleDocuments).FirstOrDefaultAsync(ct);
            var from = _sampleFrom.Value;
            // Every gram's count in one round trip (a gram absent from the sample counts 0).
            var counted = await SampleCounts(grams, from).ToDictionaryAsync(g => g.Gram, g => g.Count, ct);
            var sampled = grams.Select(g => (Gram: g, Count: counted.GetValueOrDefault(g))).ToList();
            var ordered = sampled.OrderBy(s => s.Count).Select(s => s.Gram).ToArray();
            var rarest = sampled.Min(s => s.Count);
            var (first, second) = (ordered[0], ordered[1]);
            var both = rarest == 0 ? 0 : await db.SearchPostings.CountAsync(
                p => p.Gram == first && p.DocumentKey > from && db.SearchPostings.Any(o => o.Gram == second && o.DocumentKey == p.DocumentKey), ct);
            // Look-ups: every posting of the rarest gram in the next one, and those that have both in each of the rest.
            var lookups = Math.Max(rarest, 0.5) + both * (count - 2.0);
            if (lookups * LookupCost < sampled.Sum(s => (double)s.Count))
            {
                var keys = db.SearchPostings.Where(p => p.Gram == first);
                foreach (var other in ordered.Skip(1))
                    keys = keys.Where(p => db.SearchPostings.Any(o => o.Gram == other && o.DocumentKey == p.DocumentKey));
                return keys.Select(p => p.DocumentKey);
            }
        }
        return db.SearchPostings.Where(p => grams.Contains(p.Gram))
            .GroupBy(p => p.DocumentKey).Where(g => g.Count() == count).Select(g => g.Key);
    }
}
