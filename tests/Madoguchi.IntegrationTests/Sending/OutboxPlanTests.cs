using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.IntegrationTests.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Sending;

/// <summary>Each outbox pass finds its due messages by walking the (state, next attempt) index in order: a pass costs the
/// same with ten queued messages or a hundred thousand (after an outage of the customer's server). Checked on the plans
/// of both databases (PostgreSQL with sequential scans priced out): no scan of the table and no sort.</summary>
public sealed class OutboxPlanTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task DueMessages_WalkTheStateIndexInOrder_WithoutSortOrScan(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var failures = await app.WithDbAsync(async db =>
        {
            var found = new List<string>();
            await db.Database.OpenConnectionAsync();
            if (provider == DatabaseProvider.Postgres)
                await db.Database.ExecuteSqlRawAsync("SET enable_seqscan = off");
            var now = DateTime.UtcNow;
            foreach (var (name, query) in new[] { ("queued", OutboxWorker.DueQueued(db, now, 80)), ("lease expired", OutboxWorker.LeaseExpired(db, now, 80)) })
            {
                var plan = await QueryPlans.ExplainAsync(query.CreateDbCommand(), provider);
                if (plan.Any(line => QueryPlans.IsScanOrSort(line, provider)))
                    found.Add($"{name}: {string.Join(" / ", plan)}");
            }
            return found;
        });

        Assert.Empty(failures);
    }
}
