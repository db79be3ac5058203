using Madoguchi.Core.Data;
using Madoguchi.Core.Search;
using Madoguchi.Core.Tickets;
using Madoguchi.IntegrationTests.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Search;

/// <summary>The walk of a date-sorted search stays cheap whatever the mailbox's size only while each chunk is read in
/// date order from an index and each match test looks documents and postings up by key: checked on the query plans of
/// both databases (PostgreSQL with sequential scans priced out), without a sort and without a scan of any table; and the
/// postings' sample of a long term's grams counts from the index.</summary>
public sealed class SearchWalkPlanTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task WalkChunks_ReadAnIndexInDateOrder_AndMatchesLookUpByKey(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var failures = await QueryPlans.CheckAsync(app, provider, async db =>
        {
            var found = new List<string>();
            var scope = SearchMessagesQuery.WalkScope(db, Guid.NewGuid(), [Guid.NewGuid(), Guid.NewGuid()]).Where(r => r.Place == TicketPlace.Inbox);
            var walk = new NewestMatchesWalk(db, scope, ["請求", "再発行", "invoice", "x"], 4000);
            var queries = new Dictionary<string, IQueryable>
            {
                ["first chunk"] = walk.Chunk(null, 200),
                ["next chunk"] = walk.Chunk((DateTime.UtcNow, Guid.NewGuid()), 400),
                ["match test"] = walk.Matching([1, 2, 3]),
            };
            foreach (var (name, query) in queries)
            {
                var plan = await QueryPlans.ExplainAsync(query.CreateDbCommand(), provider);
                if (plan.Any(line => QueryPlans.IsScanOrSort(line, provider)))
                    found.Add($"{name}: {string.Join(" / ", plan)}");
            }
            // The postings' sample (which grams of a long term are rare) counts by gram from the index, whatever the size.
            var sample = await QueryPlans.ExplainAsync(new PostingCandidates(db).SampleCounts([1, 2, 3], 1000).CreateDbCommand(), provider);
            if (sample.Any(line => QueryPlans.IsScan(line, provider)))
                found.Add($"sample counts: {string.Join(" / ", sample)}");
            return found;
        });

        Assert.Empty(failures);
    }
}
