using System.Diagnostics;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Madoguchi.IntegrationTests.Receiving;

public sealed class WorkerTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Idle_MailArrives_StoredWithinFiveSeconds(DatabaseProvider provider)
    {
        var user = await dovecot.AddUniqueUserAsync();
        await using var scenario = await ReceivingScenario.StartAsync(provider, ReceivingScenario.Settings(worker: true));
        // Polling every 10 minutes: only IDLE can bring the mail in time.
        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user, new { pollSeconds = 600, useIdle = true }));
        await WaitAsync(async () => (await scenario.StatusAsync()).GetProperty("items")[0].GetProperty("lastSuccessAt").ValueKind != System.Text.Json.JsonValueKind.Null, 20);
        await Task.Delay(1000);

        var clock = Stopwatch.StartNew();
        await dovecot.Server.DeliverAsync(user.Name, DovecotServer.SampleMessage("idle@example.test", "Arrives while idle"));
        var arrived = await WaitAsync(async () => (await scenario.StoredAsync()).Count == 1, 5);

        Assert.True(arrived, $"not stored after {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ServerAddedToARunningInstance_IsFetchedAtOnce_NotAtTheNextListOfServers(DatabaseProvider provider)
    {
        var user = await dovecot.AddUniqueUserAsync();
        var messageIds = Enumerable.Range(0, 3).Select(i => $"added-{i}-{Guid.NewGuid():N}@example.test").ToList();
        await dovecot.Server.DeliverManyAsync(user.Name, messageIds.Select(id => DovecotServer.SampleMessage(id, "接続直後に届くメール")).ToList());
        // The worker re-reads the list of servers every 5 s of the app's clock; frozen, it never does so again, so only the
        // creation itself can start the first fetch.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var scenario = await ReceivingScenario.StartAsync(provider, ReceivingScenario.Settings(worker: true), s => s.AddSingleton<TimeProvider>(clock));
        // Past the worker's first list of servers (taken at start, empty).
        await Task.Delay(2000);

        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user, new { pollSeconds = 600, useIdle = false }));
        var fetched = await WaitAsync(async () => (await scenario.StoredAsync()).Count == 3, 30);

        Assert.True(fetched, $"{(await scenario.StoredAsync()).Count} of 3 stored");
        Assert.Equal(messageIds.Order(), (await scenario.StoredAsync()).Select(r => r.MessageIdHeader!.Trim('<', '>')).Order());
    }

    [Fact]
    public async Task Leases_TwoInstancesOnOnePostgres_OneFetchesAndTheOtherTakesOverWhenItStops()
    {
        var mailbox = await TestMailbox.GetAsync(1000);
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverManyAsync(user.Name, mailbox.Messages);
        // A control instance (no worker) owns the database; two worker instances share it, as two app servers would.
        await using var scenario = await ReceivingScenario.StartAsync(DatabaseProvider.Postgres);
        var workers = new[]
        {
            await MadoguchiApp.StartBesideAsync(scenario.App, ReceivingScenario.Settings(worker: true, batchSize: 20)),
            await MadoguchiApp.StartBesideAsync(scenario.App, ReceivingScenario.Settings(worker: true, batchSize: 20)),
        };
        try
        {
            var serverId = await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user, new { useIdle = false }));
            var ownersWhileBothRun = new HashSet<string>();
            await WaitAsync(async () =>
            {
                var leases = await scenario.App.WithDbAsync(db => db.FetchLeases.AsNoTracking().Where(l => l.ReceiveServerId == serverId).ToListAsync());
                Assert.True(leases.Count <= 1);
                ownersWhileBothRun.UnionWith(leases.Where(l => l.Owner is not null).Select(l => l.Owner!));
                return (await scenario.StoredAsync()).Count >= 200;
            }, 60);
            var holder = (await scenario.App.WithDbAsync(db => db.FetchLeases.AsNoTracking().SingleAsync(l => l.ReceiveServerId == serverId))).Owner;
            var holderIndex = Array.FindIndex(workers, w => Options(w).InstanceId == holder);

            Assert.Single(ownersWhileBothRun);
            Assert.InRange(holderIndex, 0, 1);
            Assert.True((await scenario.StoredAsync()).Count < 1000, "the import finished before the holder could be stopped mid-way");
            await workers[holderIndex].DisposeAsync();
            Assert.True(await WaitAsync(async () => (await scenario.StoredAsync()).Count == 1000, 90), "the other instance did not finish the import");
            await scenario.AssertStoredExactlyAsync(mailbox.Messages, mailbox.MessageIds);
            var finalOwner = (await scenario.App.WithDbAsync(db => db.FetchLeases.AsNoTracking().SingleAsync(l => l.ReceiveServerId == serverId))).Owner;
            Assert.Equal(Options(workers[1 - holderIndex]).InstanceId, finalOwner);
        }
        finally
        {
            foreach (var worker in workers)
                await worker.DisposeAsync();
        }
    }

    private static Madoguchi.Core.Receiving.ReceivingOptions Options(MadoguchiApp app) =>
        ((Microsoft.Extensions.Options.IOptions<Madoguchi.Core.Receiving.ReceivingOptions>)app.Services.GetService(typeof(Microsoft.Extensions.Options.IOptions<Madoguchi.Core.Receiving.ReceivingOptions>))!).Value;

    internal static async Task<bool> WaitAsync(Func<Task<bool>> condition, double seconds)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed.TotalSeconds < seconds)
        {
            if (await condition())
                return true;
            await Task.Delay(100);
        }
        return await condition();
    }
}
