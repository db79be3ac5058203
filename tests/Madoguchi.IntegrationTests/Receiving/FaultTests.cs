using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Madoguchi.IntegrationTests.Receiving;

[LongRunning]
public sealed class FaultTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    private async Task<(ReceivingScenario Scenario, MailboxUser User, TestMailbox Mailbox)> ArrangeAsync(DatabaseProvider provider, int count, Action<IServiceCollection>? services = null)
    {
        var mailbox = await TestMailbox.GetAsync(1000);
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverManyAsync(user.Name, mailbox.Messages.Take(count));
        var scenario = await ReceivingScenario.StartAsync(provider, ReceivingScenario.Settings(batchSize: 20), services);
        return (scenario, user, mailbox);
    }

    private static async Task WaitForStoredAsync(ReceivingScenario scenario, int atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await scenario.StoredAsync()).Count < atLeast && DateTime.UtcNow < deadline)
            await Task.Delay(20);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "imap")]
    [InlineData(DatabaseProvider.Postgres, "imap")]
    [InlineData(DatabaseProvider.Sqlite, "pop3")]
    [InlineData(DatabaseProvider.Postgres, "pop3")]
    public async Task FetchNow_ConnectionDroppedMidTransfer_NextPassCompletesWithoutLossOrDuplicate(DatabaseProvider provider, string protocol)
    {
        var (scenario, user, mailbox) = await ArrangeAsync(provider, 600);
        await using var _ = scenario;
        await scenario.AddServerAsync(protocol == "imap" ? ReceivingScenario.Imap(dovecot.Server, user) : ReceivingScenario.Pop3(dovecot.Server, user));

        var fetching = scenario.FetchNowAsync();
        await WaitForStoredAsync(scenario, 100);
        var dropped = await dovecot.Server.DropConnectionsAsync();
        var interrupted = await fetching;
        await scenario.FetchNowAsync();

        Assert.True(dropped > 0);
        Assert.False(interrupted.GetProperty("items")[0].GetProperty("ok").GetBoolean());
        Assert.Equal("connection_lost", interrupted.GetProperty("items")[0].GetProperty("error").GetProperty("code").GetString());
        await scenario.AssertStoredExactlyAsync(mailbox.Messages.Take(600).ToList());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task FetchNow_ServerRestartsMidTransfer_NextPassCompletesWithoutLossOrDuplicate(DatabaseProvider provider)
    {
        var (scenario, user, mailbox) = await ArrangeAsync(provider, 600);
        await using var _ = scenario;
        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user));

        var fetching = scenario.FetchNowAsync();
        await WaitForStoredAsync(scenario, 100);
        await dovecot.Server.RestartAsync();
        await fetching;
        await scenario.FetchNowAsync();

        await scenario.AssertStoredExactlyAsync(mailbox.Messages.Take(600).ToList());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "imap")]
    [InlineData(DatabaseProvider.Postgres, "imap")]
    [InlineData(DatabaseProvider.Sqlite, "pop3")]
    [InlineData(DatabaseProvider.Postgres, "pop3")]
    public async Task FetchNow_UidValidityReset_StoresOnlyNewMessages(DatabaseProvider provider, string protocol)
    {
        var (scenario, user, mailbox) = await ArrangeAsync(provider, 50);
        await using var _ = scenario;
        await scenario.AddServerAsync(protocol == "imap" ? ReceivingScenario.Imap(dovecot.Server, user) : ReceivingScenario.Pop3(dovecot.Server, user));
        await scenario.FetchNowAsync();

        await dovecot.Server.ResetUidValidityAsync(user.Name);
        await dovecot.Server.DeliverManyAsync(user.Name, mailbox.Messages.Skip(50).Take(10));
        var after = await scenario.FetchNowAsync();

        Assert.Equal(10, after.GetProperty("stored").GetInt32());
        Assert.Equal(50, after.GetProperty("duplicates").GetInt32());
        await scenario.AssertStoredExactlyAsync(mailbox.Messages.Take(60).ToList());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Fetch_ImapAndPop3OnSameMailboxAtOnce_StoresEachMessageOnce(DatabaseProvider provider)
    {
        var (scenario, user, mailbox) = await ArrangeAsync(provider, 300);
        await using var _ = scenario;
        var imap = await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user));
        var pop3 = await scenario.AddServerAsync(ReceivingScenario.Pop3(dovecot.Server, user));

        await Task.WhenAll(FetchDirectAsync(scenario, imap), FetchDirectAsync(scenario, pop3));
        var again = await scenario.FetchNowAsync();

        Assert.Equal(0, again.GetProperty("stored").GetInt32());
        await scenario.AssertStoredExactlyAsync(mailbox.Messages.Take(300).ToList());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Pop3_DeleteAfterZeroDays_GoneFromServerOnceStored(DatabaseProvider provider)
    {
        var (scenario, user, mailbox) = await ArrangeAsync(provider, 40);
        await using var _ = scenario;
        await scenario.AddServerAsync(ReceivingScenario.Pop3(dovecot.Server, user, new { deleteAfterDays = 0 }));

        var result = await scenario.FetchNowAsync();

        Assert.Equal(40, result.GetProperty("items")[0].GetProperty("deletedOnServer").GetInt32());
        Assert.Equal(0, await dovecot.Server.CountMessagesAsync(user.Name));
        await scenario.AssertStoredExactlyAsync(mailbox.Messages.Take(40).ToList());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Pop3_DeleteAfter14Days_KeptUntilTheTimePassesThenDeleted(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (scenario, user, mailbox) = await ArrangeAsync(provider, 30, s => s.AddSingleton<TimeProvider>(clock));
        await using var _ = scenario;
        var server = await scenario.AddServerAsync(ReceivingScenario.Pop3(dovecot.Server, user, new { deleteAfterDays = 14 }));

        await FetchDirectAsync(scenario, server);
        var onDay0 = await dovecot.Server.CountMessagesAsync(user.Name);
        clock.Advance(TimeSpan.FromDays(13.9));
        await FetchDirectAsync(scenario, server);
        var onDay13 = await dovecot.Server.CountMessagesAsync(user.Name);
        clock.Advance(TimeSpan.FromDays(0.2));
        var result = await FetchDirectAsync(scenario, server);
        var onDay14 = await dovecot.Server.CountMessagesAsync(user.Name);

        Assert.Equal((30, 30, 0), (onDay0, onDay13, onDay14));
        Assert.Equal(30, result.DeletedOnServer);
        await scenario.AssertStoredExactlyAsync(mailbox.Messages.Take(30).ToList());
    }

    private static async Task<FetchPassResult> FetchDirectAsync(ReceivingScenario scenario, Guid serverId)
    {
        await using var scope = scenario.App.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<FetchServerCommand>().HandleAsync(serverId, waitForLease: true, CancellationToken.None);
        Assert.True(result.Failure is null, result.Failure?.Detail);
        return result;
    }
}
