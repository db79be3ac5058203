using System.Diagnostics;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Receiving.Servers;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Search;

/// <summary>The background indexer in a running app: it writes pending postings by itself, leaves them while the pipeline
/// has originals waiting or a fetch pass runs (receiving first), and writes them anyway once the oldest has waited past the
/// configured age.</summary>
public sealed class SearchIndexWorkerTests
{
    private const int DeferSeconds = 3600;

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Indexer_WaitsWhileOriginalsWaitForThePipeline_ThenIndexes_AndNeverWaitsPastTheAgeLimit(DatabaseProvider provider)
    {
        // The pipeline runs only when the test says (no worker), the indexer looks every 50 ms.
        await using var app = await MadoguchiApp.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Madoguchi:InboundPipeline:RunWorker"] = "false",
            ["Madoguchi:Search:RunIndexer"] = "true",
            ["Madoguchi:Search:PollMilliseconds"] = "50",
            ["Madoguchi:Search:DeferWhileReceivingSeconds"] = DeferSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();

        // Nothing waiting for the pipeline: the indexer writes the first message's postings by itself.
        await app.StoreOriginalAsync(inbox.Id, Mail("first@defer.example"));
        await ProcessPendingAsync(app);
        await WaitUntilAsync(app, db => db.SearchDocuments.AllAsync(d => d.PostingsPendingSince == null));
        Assert.True(await app.WithDbAsync(db => db.SearchPostings.AnyAsync()));

        // An original now waits for the pipeline, and a document waits for its postings (the first one again, as a
        // reindex leaves it): the indexer leaves it alone.
        await app.StoreOriginalAsync(inbox.Id, Mail("second@defer.example"));
        await app.WithDbAsync(async db =>
        {
            await db.SearchPostings.ExecuteDeleteAsync();
            return await db.SearchDocuments.ExecuteUpdateAsync(x => x.SetProperty(d => d.PostingsPendingSince, DateTime.UtcNow));
        });
        await Task.Delay(1000); // 20 of the indexer's rounds
        Assert.Equal(1, await PendingAsync(app));
        Assert.False(await app.WithDbAsync(db => db.SearchPostings.AnyAsync()));

        // Past the age limit the indexer no longer waits, even with the original still waiting.
        await app.WithDbAsync(db => db.SearchDocuments.ExecuteUpdateAsync(x => x.SetProperty(d => d.PostingsPendingSince, DateTime.UtcNow.AddSeconds(-DeferSeconds - 60))));
        await WaitUntilAsync(app, async db => await PendingAsync(db) == 0);
        Assert.True(await app.WithDbAsync(db => db.RawMessages.AnyAsync(r => r.ProcessedAt == null)));

        // Once the pipeline has caught up, the second message is indexed too.
        await ProcessPendingAsync(app);
        await WaitUntilAsync(app, async db => await db.SearchDocuments.CountAsync() == 2 && await PendingAsync(db) == 0);

        // A fetch pass under way (its server's lease held) is receiving too, even while the pipeline has caught up: a long
        // import's pipeline often has nothing waiting between two fetched batches.
        var serverId = await app.WithDbAsync(async db =>
        {
            var server = new ReceiveServer
            {
                AccountId = account.Id, InboxId = inbox.Id, Protocol = ReceiveProtocol.Imap, Host = "127.0.0.1", Port = 1, Username = "defer",
                ProtectedPassword = "-", CreatedAt = DateTime.UtcNow,
            };
            db.ReceiveServers.Add(server);
            db.FetchLeases.Add(new FetchLease { ReceiveServerId = server.Id, Owner = "another instance", ExpiresAt = DateTime.UtcNow.AddHours(1) });
            await db.SaveChangesAsync();
            return server.Id;
        });
        // A round that looked before the lease existed may still be writing; the documents go back to pending only once
        // every round since has seen the lease.
        await Task.Delay(1000);
        await app.WithDbAsync(db => db.SearchDocuments.ExecuteUpdateAsync(x => x.SetProperty(d => d.PostingsPendingSince, DateTime.UtcNow)));
        await Task.Delay(1000);
        Assert.Equal(2, await PendingAsync(app));

        // The pass ends (the lease released): the indexer takes them.
        await app.WithDbAsync(db => db.FetchLeases.Where(l => l.ReceiveServerId == serverId)
            .ExecuteUpdateAsync(x => x.SetProperty(l => l.ExpiresAt, DateTime.UtcNow.AddSeconds(-1))));
        await WaitUntilAsync(app, async db => await PendingAsync(db) == 0);
    }

    private static Task<int> PendingAsync(MadoguchiApp app) => app.WithDbAsync(PendingAsync);

    private static Task<int> PendingAsync(MadoguchiDbContext db) => db.SearchDocuments.CountAsync(d => d.PostingsPendingSince != null);

    private static async Task ProcessPendingAsync(MadoguchiApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ProcessPendingMessagesCommand>().HandleAsync(CancellationToken.None);
    }

    private static async Task WaitUntilAsync(MadoguchiApp app, Func<MadoguchiDbContext, Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await app.WithDbAsync(condition))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
                throw new TimeoutException("The search indexer did not get there within 30 s.");
            await Task.Delay(50);
        }
    }

    private static byte[] Mail(string messageId) => SearchTests.Mail(messageId, "請求書の件", "請求書を再発行してください。");
}
