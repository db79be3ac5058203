using Madoguchi.Core.Data;
using Madoguchi.Core.Status;
using Madoguchi.IntegrationTests.Search;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Status;

/// <summary>Search follows the background indexer's lag: a message waiting for its postings longer than the threshold
/// turns search to degraded performance (searches stay exact, only slower), and the indexer catching up restores it.</summary>
public sealed class SearchProbeTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task IndexerLagging_SearchDegraded_ThenOperationalOnceCaughtUp(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, ProbeRounds.Settings(TimeSpan.FromSeconds(1), new Dictionary<string, string?>
        {
            ["Madoguchi:Search:RunIndexer"] = "false",
            ["Madoguchi:Monitoring:Search:LagDegradedAboveSeconds"] = "300",
        }));
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var start = DateTime.UtcNow;
        await app.ReceiveAsync(inbox.Id, SearchTests.Mail("lag@search.example", "請求", "請求の件です。"), start);
        Assert.Equal(ComponentState.Operational, (await ProbeRounds.AfterAsync(app, StatusComponent.Search, start, 1))[0].State);

        // The message has waited ten minutes (the indexer is off): the lag is past the threshold.
        await app.WithDbAsync(db => db.SearchDocuments.ExecuteUpdateAsync(u => u.SetProperty(d => d.PostingsPendingSince, DateTime.UtcNow.AddMinutes(-10))));
        var laggingAt = DateTime.UtcNow;
        var lagging = await ProbeRounds.UntilAsync(app, StatusComponent.Search, ComponentState.DegradedPerformance, laggingAt);
        Assert.Contains("1 messages waiting", lagging.Detail, StringComparison.Ordinal);

        Assert.Equal(1, await SearchTests.IndexPendingAsync(app));
        await ProbeRounds.UntilAsync(app, StatusComponent.Search, ComponentState.Operational, DateTime.UtcNow);
    }
}
