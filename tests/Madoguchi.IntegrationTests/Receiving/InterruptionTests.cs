using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Madoguchi.IntegrationTests.Receiving;

/// <summary>A message that interrupts every pass (the server stalls on it, or drops the connection while sending it)
/// holds nothing back: the second pass in a row interrupted on it sets it aside as a retry with backoff, shown with a
/// plain reason; later passes fetch the rest first; it is fetched once the fault clears. IMAP and POP3, through the
/// test-only fault proxies in front of the real Dovecot.</summary>
public sealed class InterruptionTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    private static Dictionary<string, string?> Settings()
    {
        var settings = ReceivingScenario.Settings(batchSize: 20);
        settings["Madoguchi:Network:AllowLoopback"] = "true";
        settings["Madoguchi:Receiving:Timeout"] = "00:00:02";
        return settings;
    }

    private static async Task<FetchPassResult> FetchDirectAsync(ReceivingScenario scenario, Guid serverId)
    {
        await using var scope = scenario.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FetchServerCommand>().HandleAsync(serverId, waitForLease: true, CancellationToken.None);
    }

    private static JsonElement Refused(JsonElement status) => status.GetProperty("items")[0].GetProperty("refusedMessages");

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Pop3_RetrStallsOnOneMessageTwiceInARow_SetAsideShownTheRestKeepsComingAndItComesWhenTheFaultClears(DatabaseProvider provider)
    {
        var mailbox = await TestMailbox.GetAsync(1000);
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverManyAsync(user.Name, mailbox.Messages.Take(6));
        await using var proxy = Pop3FaultProxy.Start(dovecot.Server.Pop3Port);
        proxy.Stall(3);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var scenario = await ReceivingScenario.StartAsync(provider, Settings(), s => s.AddSingleton<TimeProvider>(clock));
        var server = await scenario.AddServerAsync(ReceivingScenario.Pop3(dovecot.Server, user, new { port = proxy.Port }));

        var once = await FetchDirectAsync(scenario, server);
        var afterOnce = Refused(await scenario.StatusAsync()).GetArrayLength();
        var twice = await FetchDirectAsync(scenario, server);
        var status = await scenario.StatusAsync();
        // POP3 has no search: the finder reads the headers of the newest messages and matches the sender there.
        var sender = MimeKit.MimeMessage.Load(new MemoryStream(mailbox.Messages[2])).From.Mailboxes.First().Address;
        var missing = await (await scenario.Owner.PostAsJsonAsync($"{scenario.Base}/missing-mail", new { sender })).Content.ReadFromJsonAsync<JsonElement>();
        var past = await FetchDirectAsync(scenario, server);
        // Its time comes while the server still stalls on it: new mail is fetched first, then it costs one more attempt.
        await dovecot.Server.DeliverAsync(user.Name, mailbox.Messages[6]);
        clock.Advance(TimeSpan.FromMinutes(2));
        var dueButStalling = await FetchDirectAsync(scenario, server);
        var attempts = Refused(await scenario.StatusAsync())[0].GetProperty("attempts").GetInt32();
        proxy.Heal();
        clock.Advance(TimeSpan.FromMinutes(3));
        var healed = await FetchDirectAsync(scenario, server);

        // The first stall may be the network: the pass fails and nothing is set aside.
        Assert.Equal(("timed_out", 0, 0), (once.Failure?.Code, once.Stored, afterOnce));
        // The second in a row on the same message sets it aside, with a plain reason and a time to try again.
        Assert.Equal("timed_out", twice.Failure?.Code);
        var retry = Assert.Single(Refused(status).EnumerateArray());
        Assert.Equal(("message_timed_out", 1), (retry.GetProperty("code").GetString(), retry.GetProperty("attempts").GetInt32()));
        Assert.False(string.IsNullOrEmpty(retry.GetProperty("uidl").GetString()));
        Assert.True(retry.GetProperty("nextRetryAt").GetDateTime() > retry.GetProperty("lastSeenAt").GetDateTime());
        Assert.Equal("No answer within 2 s while the server was sending this message.", retry.GetProperty("serverText").GetString());
        var match = missing.GetProperty("items").EnumerateArray().Single(m => m.GetProperty("messageId").GetString() == mailbox.MessageIds[2]);
        Assert.Equal("refused_by_server", match.GetProperty("place").GetString());
        Assert.DoesNotContain("about to be fetched", match.GetProperty("en").GetString(), StringComparison.Ordinal);
        Assert.Contains("stopped answering", match.GetProperty("en").GetString(), StringComparison.Ordinal);
        Assert.Contains("応答しなく", match.GetProperty("ja").GetString(), StringComparison.Ordinal);
        // The rest of the mailbox comes past it.
        Assert.True(past.Failure is null, past.Failure?.Detail);
        Assert.Equal(5, past.Stored);
        Assert.Equal(("timed_out", 1, 2), (dueButStalling.Failure?.Code, dueButStalling.Stored, attempts));
        Assert.True(healed.Failure is null, healed.Failure?.Detail);
        Assert.Equal(1, healed.Stored);
        Assert.Empty(Refused(await scenario.StatusAsync()).EnumerateArray());
        await scenario.AssertStoredExactlyAsync(mailbox.Messages.Take(7).ToList());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "imap")]
    [InlineData(DatabaseProvider.Postgres, "imap")]
    [InlineData(DatabaseProvider.Sqlite, "pop3")]
    [InlineData(DatabaseProvider.Postgres, "pop3")]
    public async Task ServerDropsTheConnectionOnOneMessageEveryTime_SetAsideTheRestKeepsComingAndItComesWhenTheFaultClears(DatabaseProvider provider, string protocol)
    {
        var mailbox = await TestMailbox.GetAsync(1000);
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverManyAsync(user.Name, mailbox.Messages.Take(5));
        await using var imap = ImapFaultProxy.Start(dovecot.Server.ImapPort);
        await using var pop3 = Pop3FaultProxy.Start(dovecot.Server.Pop3Port);
        imap.Disconnect(3);
        pop3.Disconnect(3);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var scenario = await ReceivingScenario.StartAsync(provider, Settings(), s => s.AddSingleton<TimeProvider>(clock));
        var server = await scenario.AddServerAsync(protocol == "imap"
            ? ReceivingScenario.Imap(dovecot.Server, user, new { port = imap.Port })
            : ReceivingScenario.Pop3(dovecot.Server, user, new { port = pop3.Port }));

        var once = await FetchDirectAsync(scenario, server);
        var afterOnce = Refused(await scenario.StatusAsync()).GetArrayLength();
        var twice = await FetchDirectAsync(scenario, server);
        var status = await scenario.StatusAsync();
        var past = await FetchDirectAsync(scenario, server);
        imap.Heal();
        pop3.Heal();
        var healedButNotDue = await FetchDirectAsync(scenario, server);
        clock.Advance(TimeSpan.FromMinutes(2));
        var healed = await FetchDirectAsync(scenario, server);

        Assert.Equal(("connection_lost", 0, 0), (once.Failure?.Code, once.Stored, afterOnce));
        Assert.Equal("connection_lost", twice.Failure?.Code);
        var retry = Assert.Single(Refused(status).EnumerateArray());
        Assert.Equal(("connection_dropped", 1), (retry.GetProperty("code").GetString(), retry.GetProperty("attempts").GetInt32()));
        Assert.Equal("The server closed the connection while sending this message.", retry.GetProperty("serverText").GetString());
        Assert.Contains("closed the connection", retry.GetProperty("en").GetString(), StringComparison.Ordinal);
        Assert.True(retry.GetProperty("nextRetryAt").GetDateTime() > retry.GetProperty("lastSeenAt").GetDateTime());
        if (protocol == "imap")
            Assert.Equal(3, retry.GetProperty("uid").GetInt64());
        Assert.True(past.Failure is null, past.Failure?.Detail);
        Assert.Equal(4, past.Stored);
        Assert.Equal((null, 0), (healedButNotDue.Failure?.Code, healedButNotDue.Stored));
        Assert.True(healed.Failure is null, healed.Failure?.Detail);
        Assert.Equal(1, healed.Stored);
        Assert.Empty(Refused(await scenario.StatusAsync()).EnumerateArray());
        await scenario.AssertStoredExactlyAsync(mailbox.Messages.Take(5).ToList());
    }
}
