using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Madoguchi.IntegrationTests.Receiving;

/// <summary>A POP3 mailbox replaced behind the same host, user and protocol, whose UIDLs repeat the old ones for other
/// mail: the new mail is fetched, and a delete-after policy deletes nothing Madoguchi did not fetch from it. (IMAP: a
/// UIDVALIDITY change lists the folder afresh, <c>FaultTests.FetchNow_UidValidityReset_StoresOnlyNewMessages</c>.)</summary>
public sealed class ReplacedMailboxTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    private static async Task<FetchPassResult> FetchDirectAsync(ReceivingScenario scenario, Guid serverId)
    {
        await using var scope = scenario.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FetchServerCommand>().HandleAsync(serverId, waitForLease: true, CancellationToken.None);
    }

    private async Task<List<string>> UidlsAsync(string user)
    {
        using var client = await dovecot.Server.ConnectPop3Async(user);
        var uidls = await client.GetMessageUidsAsync();
        await client.DisconnectAsync(true);
        return [.. uidls];
    }


    /// <param name="replaced">"whole": every message is other mail now; "middle": the first and the last are the same
    /// messages, those between are other mail (only the check before deleting can see it).</param>
    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "whole")]
    [InlineData(DatabaseProvider.Postgres, "whole")]
    [InlineData(DatabaseProvider.Sqlite, "middle")]
    [InlineData(DatabaseProvider.Postgres, "middle")]
    public async Task Pop3_MailboxReplacedWithCollidingUidls_NewMailFetchedAndNothingNotFetchedFromItDeleted(DatabaseProvider provider, string replaced)
    {
        var mailbox = await TestMailbox.GetAsync(1000);
        var user = await dovecot.AddUniqueUserAsync();
        var before = mailbox.Messages.Take(5).ToList();
        var other = mailbox.Messages.Skip(5).Take(5).ToList();
        var after = replaced == "whole" ? other : [before[0], other[1], other[2], other[3], before[4]];
        await dovecot.Server.DeliverManyAsync(user.Name, before);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = ReceivingScenario.Settings(batchSize: 20);
        settings["Madoguchi:Network:AllowLoopback"] = "true";
        await using var scenario = await ReceivingScenario.StartAsync(provider, settings, s => s.AddSingleton<TimeProvider>(clock));
        var server = await scenario.AddServerAsync(ReceivingScenario.Pop3(dovecot.Server, user, new { leaveOnServer = true, deleteAfterDays = 14 }));
        Assert.Equal(5, (await FetchDirectAsync(scenario, server)).Stored);
        var uidlsBefore = await UidlsAsync(user.Name);

        await dovecot.Server.ReplaceMailboxAsync(user.Name, after);
        // The UIDLs collide for real: the server lists exactly the UIDLs already fetched, for other mail.
        Assert.Equal(uidlsBefore, await UidlsAsync(user.Name));
        // Past the delete-after time of everything fetched from the old mailbox.
        clock.Advance(TimeSpan.FromDays(15));
        var first = await FetchDirectAsync(scenario, server);
        var onServerAfterFirst = await dovecot.Server.CountMessagesAsync(user.Name);
        // Read from the rows: 15 days on, the test's sign-in cookie has expired.
        var issues = await scenario.App.WithDbAsync(db => db.FetchIssues.AsNoTracking().Where(i => i.ReceiveServerId == server).Select(i => i.Code).ToListAsync());
        var second = await FetchDirectAsync(scenario, server);
        var stored = first.Stored + second.Stored;
        // Once their own delete-after time has come, messages fetched from the new mailbox are deleted as usual.
        clock.Advance(TimeSpan.FromDays(15));
        var later = await FetchDirectAsync(scenario, server);

        Assert.True(first.Failure is null, first.Failure?.Detail);
        Assert.True(second.Failure is null, second.Failure?.Detail);
        Assert.Equal((0, 5), (first.DeletedOnServer, onServerAfterFirst));
        Assert.Equal(0, second.DeletedOnServer);
        Assert.Contains("mailbox_replaced", issues);
        Assert.Equal(replaced == "whole" ? 5 : 3, stored);
        if (replaced == "whole")
            Assert.Equal(5, first.Stored);
        await scenario.AssertStoredExactlyAsync([.. before, .. other.Where(after.Contains)]);
        Assert.True(later.Failure is null, later.Failure?.Detail);
        Assert.Equal(5, later.DeletedOnServer);
        Assert.Equal(0, await dovecot.Server.CountMessagesAsync(user.Name));
    }
}
