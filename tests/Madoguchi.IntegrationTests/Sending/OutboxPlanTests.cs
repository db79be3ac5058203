using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.IntegrationTests.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Sending;

/// <summary>Each outbox pass finds its due messages by walking the (state, next attempt) index in order, and each claim
/// finds its messages by primary key: both cost the same with ten queued messages or a hundred thousand (after an outage
/// of the customer's server). Checked on the plans of both databases (PostgreSQL with sequential scans priced out): no
/// scan of the table, no sort, and the claim on the primary key.</summary>
public sealed class OutboxPlanTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task DueMessagesAndClaims_UseTheirIndexes_WithoutSortOrScan(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var failures = await QueryPlans.CheckAsync(app, provider, async db =>
        {
            var found = new List<string>();
            var now = DateTime.UtcNow;
            foreach (var (name, query) in new[] { ("queued", OutboxWorker.DueQueued(db, now, 80)), ("lease expired", OutboxWorker.LeaseExpired(db, now, 80)) })
            {
                var plan = await QueryPlans.ExplainAsync(query.CreateDbCommand(), provider);
                if (plan.Any(line => QueryPlans.IsScanOrSort(line, provider)))
                    found.Add($"{name}: {string.Join(" / ", plan)}");
            }
            // The claim finds its messages by their ids: the primary key, never the walk of every due message (with a
            // connection's default 20 ids, where SQLite without statistics chose the state index for the old OR form).
            var ids = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
            var claim = await QueryPlans.ExplainAsync(OutboxSender.Claim(db, ids, now, now.AddMinutes(5), "owner").Command(db), provider);
            var byKey = claim.Any(line => line.Contains(provider == DatabaseProvider.Postgres ? "PK_OutgoingMessages" : "sqlite_autoindex_OutgoingMessages", StringComparison.Ordinal));
            if (!byKey || claim.Any(line => QueryPlans.IsScanOrSort(line, provider) || line.Contains("IX_OutgoingMessages_State_NextAttemptAt", StringComparison.Ordinal)))
                found.Add($"claim: {string.Join(" / ", claim)}");
            return found;
        });

        Assert.Empty(failures);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SentOutcomes_OneHandWrittenUpdate_FindsItsRowsByKey_WithEveryValueAParameter(DatabaseProvider provider)
    {
        // The accepted messages of a claim are one UPDATE written by hand (OutboxOutcomes.SentCommand): its rows found by
        // the primary key, and no id, time or owner in its text (one statement per group size, parsed once).
        var app = await apps.GetAsync(provider);
        var group = Enumerable.Range(0, 10).Select(i => (Guid.NewGuid(), DateTime.UtcNow.AddSeconds(i))).ToList();
        var failures = await QueryPlans.CheckAsync(app, provider, async db =>
        {
            await db.Database.OpenConnectionAsync();
            await using var command = OutboxOutcomes.SentCommand(db, group, "owner-of-the-claim");
            Assert.All(group, g => Assert.DoesNotContain(g.Item1.ToString(), command.CommandText, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain("owner-of-the-claim", command.CommandText, StringComparison.Ordinal);
            var plan = await QueryPlans.ExplainAsync(command, provider);
            var byKey = plan.Any(line => line.Contains(provider == DatabaseProvider.Postgres ? "PK_OutgoingMessages" : "sqlite_autoindex_OutgoingMessages", StringComparison.Ordinal));
            return byKey && !plan.Any(line => QueryPlans.IsScanOrSort(line, provider)) ? [] : [$"sent: {string.Join(" / ", plan)}"];
        });

        Assert.Empty(failures);
    }
}
