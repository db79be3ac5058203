using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;

namespace Madoguchi.IntegrationTests.Receiving;

public sealed class ImportTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task FetchNow_Imap1000Messages_StoresEachOnceWithIdenticalBytes(DatabaseProvider provider)
    {
        var mailbox = await TestMailbox.GetAsync(1000);
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverManyAsync(user.Name, mailbox.Messages);
        await using var scenario = await ReceivingScenario.StartAsync(provider);
        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user));

        var first = await scenario.FetchNowAsync();
        var second = await scenario.FetchNowAsync();

        Assert.Equal(1000, first.GetProperty("stored").GetInt32());
        Assert.Equal(0, second.GetProperty("stored").GetInt32());
        await scenario.AssertStoredExactlyAsync(mailbox.Messages, mailbox.MessageIds);
        var status = (await scenario.StatusAsync()).GetProperty("items")[0];
        Assert.Equal("1,000 / 1,000", status.GetProperty("progress").GetProperty("text").GetString());
        Assert.Equal(1000, status.GetProperty("fetchedToday").GetInt32());
        Assert.True(status.GetProperty("healthy").GetBoolean());
        // IMAP is read-only: everything is still on the server, nothing marked.
        Assert.Equal(1000, await dovecot.Server.CountMessagesAsync(user.Name));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task FetchNow_Pop31000Messages_StoresEachOnceWithIdenticalBytes(DatabaseProvider provider)
    {
        var mailbox = await TestMailbox.GetAsync(1000);
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverManyAsync(user.Name, mailbox.Messages);
        await using var scenario = await ReceivingScenario.StartAsync(provider);
        await scenario.AddServerAsync(ReceivingScenario.Pop3(dovecot.Server, user));

        var first = await scenario.FetchNowAsync();
        var second = await scenario.FetchNowAsync();

        Assert.Equal(1000, first.GetProperty("stored").GetInt32());
        Assert.Equal(0, second.GetProperty("stored").GetInt32());
        await scenario.AssertStoredExactlyAsync(mailbox.Messages, mailbox.MessageIds);
        // Leave on server for 14 days: still there.
        Assert.Equal(1000, await dovecot.Server.CountMessagesAsync(user.Name));
    }
}
