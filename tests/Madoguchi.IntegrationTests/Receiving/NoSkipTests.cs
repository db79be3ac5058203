using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Storage;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Madoguchi.IntegrationTests.Receiving;

/// <summary>No mail skipped silently: a message the server withholds is kept as a retry (shown with the server's words,
/// asked again with backoff, fetched once the fault clears); a message too large still comes with the rest; a server
/// pointed at another mailbox starts its positions afresh.</summary>
[LongRunning]
public sealed class NoSkipTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    private static Dictionary<string, string?> Settings(string? timeout = null, long? maxMessageSize = null)
    {
        var settings = ReceivingScenario.Settings(batchSize: 20);
        settings["Madoguchi:Network:AllowLoopback"] = "true";
        if (timeout is not null)
            settings["Madoguchi:Receiving:Timeout"] = timeout;
        if (maxMessageSize is { } max)
            settings["Madoguchi:Receiving:MaxMessageSize"] = max.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }

    private static async Task<FetchPassResult> FetchDirectAsync(ReceivingScenario scenario, Guid serverId)
    {
        await using var scope = scenario.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FetchServerCommand>().HandleAsync(serverId, waitForLease: true, CancellationToken.None);
    }

    private static JsonElement Refused(JsonElement status) => status.GetProperty("items")[0].GetProperty("refusedMessages");

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "refuse")]
    [InlineData(DatabaseProvider.Postgres, "refuse")]
    [InlineData(DatabaseProvider.Sqlite, "drop")]
    [InlineData(DatabaseProvider.Postgres, "drop")]
    public async Task Imap_ServerWithholdsOneMessage_RecordedShownRetriedWithBackoffAndFetchedWhenTheFaultClears(DatabaseProvider provider, string fault)
    {
        var mailbox = await TestMailbox.GetAsync(1000);
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverManyAsync(user.Name, mailbox.Messages.Take(10));
        await using var proxy = ImapFaultProxy.Start(dovecot.Server.ImapPort);
        if (fault == "refuse")
            proxy.Refuse(4);
        else
            proxy.Drop(4);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var scenario = await ReceivingScenario.StartAsync(provider, Settings(), s => s.AddSingleton<TimeProvider>(clock));
        var server = await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user, new { port = proxy.Port }));

        var first = await FetchDirectAsync(scenario, server);
        var status = await scenario.StatusAsync();
        var missing = await (await scenario.Owner.PostAsJsonAsync($"{scenario.Base}/missing-mail", new { since = DateTimeOffset.UtcNow.AddDays(-2) })).Content.ReadFromJsonAsync<JsonElement>();
        var again = await FetchDirectAsync(scenario, server);
        proxy.Heal();
        var healedButNotDue = await FetchDirectAsync(scenario, server);
        var attemptsBeforeDue = Refused(await scenario.StatusAsync())[0].GetProperty("attempts").GetInt32();
        clock.Advance(TimeSpan.FromMinutes(2));
        var due = await FetchDirectAsync(scenario, server);

        Assert.True(first.Failure is null, first.Failure?.Detail);
        Assert.Equal(9, first.Stored);
        var refused = Assert.Single(Refused(status).EnumerateArray());
        Assert.Equal(4, refused.GetProperty("uid").GetInt64());
        Assert.Equal(fault == "refuse" ? "message_refused" : "message_not_returned", refused.GetProperty("code").GetString());
        if (fault == "refuse")
            Assert.Contains("Internal error occurred", refused.GetProperty("serverText").GetString(), StringComparison.Ordinal);
        Assert.True(refused.GetProperty("nextRetryAt").GetDateTime() > refused.GetProperty("lastSeenAt").GetDateTime());
        var match = missing.GetProperty("items").EnumerateArray().Single(m => m.GetProperty("messageId").GetString() == mailbox.MessageIds[3]);
        Assert.Equal("refused_by_server", match.GetProperty("place").GetString());
        Assert.DoesNotContain("about to be fetched", match.GetProperty("en").GetString(), StringComparison.Ordinal);
        Assert.Contains("refused", match.GetProperty("en").GetString(), StringComparison.Ordinal);
        Assert.Contains("拒否", match.GetProperty("ja").GetString(), StringComparison.Ordinal);
        Assert.Equal((0, 0), (again.Stored, healedButNotDue.Stored));
        Assert.Equal(1, attemptsBeforeDue);
        Assert.Equal(1, due.Stored);
        Assert.Empty(Refused(await scenario.StatusAsync()).EnumerateArray());
        Assert.True(proxy.Injected >= 1);
        await scenario.AssertStoredExactlyAsync(mailbox.Messages.Take(10).ToList());
        var resolved = await scenario.App.WithDbAsync(db => db.ReceiveRetries.AsNoTracking().SingleAsync(r => r.ReceiveServerId == server));
        Assert.Equal("fetched", resolved.Resolution);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Pop3_ServerRefusesOneRetr_RecordedShownTheRestStoredNeverDeletedBeforeStoredAndFetchedWhenTheFaultClears(DatabaseProvider provider)
    {
        var mailbox = await TestMailbox.GetAsync(1000);
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverManyAsync(user.Name, mailbox.Messages.Take(6));
        await using var proxy = Pop3FaultProxy.Start(dovecot.Server.Pop3Port);
        proxy.Refuse(4);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var scenario = await ReceivingScenario.StartAsync(provider, Settings(), s => s.AddSingleton<TimeProvider>(clock));
        // Delete at once: everything stored is deleted at the end of the pass, the refused one must not be.
        var server = await scenario.AddServerAsync(ReceivingScenario.Pop3(dovecot.Server, user, new { port = proxy.Port, leaveOnServer = false }));

        var first = await FetchDirectAsync(scenario, server);
        var status = await scenario.StatusAsync();
        var onServerAfterFirst = await dovecot.Server.CountMessagesAsync(user.Name);
        var storedAfterFirst = (await scenario.StoredAsync()).Select(m => m.MessageIdHeader).ToList();
        proxy.Heal();
        var healedButNotDue = await FetchDirectAsync(scenario, server);
        clock.Advance(TimeSpan.FromMinutes(2));
        var due = await FetchDirectAsync(scenario, server);

        Assert.True(first.Failure is null, first.Failure?.Detail);
        Assert.Equal((5, 5), (first.Stored, first.DeletedOnServer));
        Assert.Equal(1, onServerAfterFirst);
        Assert.DoesNotContain(mailbox.MessageIds[3], storedAfterFirst);
        var refused = Assert.Single(Refused(status).EnumerateArray());
        Assert.Equal("message_refused", refused.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(refused.GetProperty("uidl").GetString()));
        Assert.Contains("Message is unavailable (injected by the test)", refused.GetProperty("serverText").GetString(), StringComparison.Ordinal);
        Assert.Contains("refused", refused.GetProperty("en").GetString(), StringComparison.Ordinal);
        Assert.False(status.GetProperty("items")[0].GetProperty("healthy").GetBoolean());
        Assert.True(proxy.Injected >= 2);
        Assert.Equal(0, healedButNotDue.Stored);
        Assert.Equal((1, 1), (due.Stored, due.DeletedOnServer));
        Assert.Empty(Refused(await scenario.StatusAsync()).EnumerateArray());
        Assert.Equal(0, await dovecot.Server.CountMessagesAsync(user.Name));
        await scenario.AssertStoredExactlyAsync(mailbox.Messages.Take(6).ToList());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Imap_RefusedAgain_AttemptsCountAndTheWaitDoubles(DatabaseProvider provider)
    {
        var mailbox = await TestMailbox.GetAsync(1000);
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverManyAsync(user.Name, mailbox.Messages.Take(3));
        await using var proxy = ImapFaultProxy.Start(dovecot.Server.ImapPort);
        proxy.Refuse(2);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var scenario = await ReceivingScenario.StartAsync(provider, Settings(), s => s.AddSingleton<TimeProvider>(clock));
        var server = await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user, new { port = proxy.Port }));

        await FetchDirectAsync(scenario, server);
        clock.Advance(TimeSpan.FromMinutes(1));
        await FetchDirectAsync(scenario, server);
        var second = Refused(await scenario.StatusAsync())[0];

        Assert.Equal(2, second.GetProperty("attempts").GetInt32());
        Assert.Equal(TimeSpan.FromMinutes(2), second.GetProperty("nextRetryAt").GetDateTime() - second.GetProperty("lastSeenAt").GetDateTime());
        Assert.Equal(2, (await scenario.StoredAsync()).Count);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Imap_ServerStallsOnOneMessageTwiceInARow_SetAsideTheRestKeepsComingAndItComesWhenTheFaultClears(DatabaseProvider provider)
    {
        var mailbox = await TestMailbox.GetAsync(1000);
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverManyAsync(user.Name, mailbox.Messages.Take(5));
        await using var proxy = ImapFaultProxy.Start(dovecot.Server.ImapPort);
        proxy.Stall(3);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var scenario = await ReceivingScenario.StartAsync(provider, Settings(timeout: "00:00:02"), s => s.AddSingleton<TimeProvider>(clock));
        var server = await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user, new { port = proxy.Port }));

        var once = await FetchDirectAsync(scenario, server);
        var afterOnce = Refused(await scenario.StatusAsync()).GetArrayLength();
        var twice = await FetchDirectAsync(scenario, server);
        var status = await scenario.StatusAsync();
        var past = await FetchDirectAsync(scenario, server);
        // Its time comes while the server still stalls on it: new mail is fetched first, then it costs one more attempt.
        await dovecot.Server.DeliverAsync(user.Name, mailbox.Messages[5]);
        clock.Advance(TimeSpan.FromMinutes(2));
        var dueButStalling = await FetchDirectAsync(scenario, server);
        var attempts = Refused(await scenario.StatusAsync())[0].GetProperty("attempts").GetInt32();
        proxy.Heal();
        clock.Advance(TimeSpan.FromMinutes(3));
        var healed = await FetchDirectAsync(scenario, server);

        // The first stall may be the network: the pass fails, nothing is set aside, nothing of the batch commits.
        Assert.Equal(("timed_out", 0, 0), (once.Failure?.Code, once.Stored, afterOnce));
        // The second in a row on the same message sets it aside, with the reason and a time to try again.
        Assert.Equal("timed_out", twice.Failure?.Code);
        var retry = Assert.Single(Refused(status).EnumerateArray());
        Assert.Equal(("message_timed_out", 3L, 1), (retry.GetProperty("code").GetString(), retry.GetProperty("uid").GetInt64(), retry.GetProperty("attempts").GetInt32()));
        Assert.True(retry.GetProperty("nextRetryAt").GetDateTime() > retry.GetProperty("lastSeenAt").GetDateTime());
        // The rest of the folder comes past it.
        Assert.True(past.Failure is null, past.Failure?.Detail);
        Assert.Equal(4, past.Stored);
        Assert.Equal(("timed_out", 1, 2), (dueButStalling.Failure?.Code, dueButStalling.Stored, attempts));
        Assert.True(healed.Failure is null, healed.Failure?.Detail);
        Assert.Equal(1, healed.Stored);
        Assert.Empty(Refused(await scenario.StatusAsync()).EnumerateArray());
        await scenario.AssertStoredExactlyAsync(mailbox.Messages.Take(6).ToList());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "imap")]
    [InlineData(DatabaseProvider.Postgres, "imap")]
    [InlineData(DatabaseProvider.Sqlite, "pop3")]
    [InlineData(DatabaseProvider.Postgres, "pop3")]
    public async Task BlobOfOneMessageCannotBeWritten_RecordedWithItsReasonTheRestKeepsComingAndItIsStoredLater(DatabaseProvider provider, string protocol)
    {
        var mailbox = await TestMailbox.GetAsync(1000);
        var user = await dovecot.AddUniqueUserAsync();
        var messages = mailbox.Messages.Take(5).ToList();
        await dovecot.Server.DeliverManyAsync(user.Name, messages);
        var failing = new OneBlobFails { Hash = TestMailbox.Sha256(messages[2]) };
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var scenario = await ReceivingScenario.StartAsync(provider, Settings(), s => s
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton<IBlobStore>(sp => new OneBlobFailingStore(new FileBlobStore(sp.GetRequiredService<IOptions<StorageLocationOptions>>()), failing)));
        var server = await scenario.AddServerAsync(protocol == "imap" ? ReceivingScenario.Imap(dovecot.Server, user) : ReceivingScenario.Pop3(dovecot.Server, user));

        var first = await FetchDirectAsync(scenario, server);
        var status = await scenario.StatusAsync();
        clock.Advance(TimeSpan.FromMinutes(2));
        var stillFailing = await FetchDirectAsync(scenario, server);
        var attempts = Refused(await scenario.StatusAsync())[0].GetProperty("attempts").GetInt32();
        failing.Hash = null;
        clock.Advance(TimeSpan.FromMinutes(5));
        var repaired = await FetchDirectAsync(scenario, server);

        Assert.True(first.Failure is null, first.Failure?.Detail);
        Assert.Equal(4, first.Stored);
        var retry = Assert.Single(Refused(status).EnumerateArray());
        Assert.Equal("message_not_stored", retry.GetProperty("code").GetString());
        Assert.Contains("injected by the test", retry.GetProperty("serverText").GetString(), StringComparison.Ordinal);
        if (protocol == "imap")
            Assert.Equal(3, retry.GetProperty("uid").GetInt64());
        else
            Assert.False(string.IsNullOrEmpty(retry.GetProperty("uidl").GetString()));
        Assert.Equal((0, 2), (stillFailing.Stored, attempts));
        Assert.True(repaired.Failure is null, repaired.Failure?.Detail);
        Assert.Equal(1, repaired.Stored);
        Assert.Empty(Refused(await scenario.StatusAsync()).EnumerateArray());
        await scenario.AssertStoredExactlyAsync(messages);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "imap")]
    [InlineData(DatabaseProvider.Postgres, "imap")]
    [InlineData(DatabaseProvider.Sqlite, "pop3")]
    [InlineData(DatabaseProvider.Postgres, "pop3")]
    public async Task OversizedMessage_StoredWithANoticeAndTheRestOfTheFolderKeepsComing(DatabaseProvider provider, string protocol)
    {
        var mailbox = await TestMailbox.GetAsync(1000);
        var user = await dovecot.AddUniqueUserAsync();
        var messages = mailbox.Messages.Where(m => m.Length < 15_000).Take(6).ToList();
        var large = DovecotServer.SampleMessage($"{Guid.NewGuid():N}@example.test", body: new string('x', 40_000));
        messages.Insert(3, large);
        await dovecot.Server.DeliverManyAsync(user.Name, messages);
        await using var scenario = await ReceivingScenario.StartAsync(provider, Settings(maxMessageSize: 20_000));
        await scenario.AddServerAsync(protocol == "imap" ? ReceivingScenario.Imap(dovecot.Server, user) : ReceivingScenario.Pop3(dovecot.Server, user));

        var result = await scenario.FetchNowAsync();
        var issues = (await scenario.StatusAsync()).GetProperty("items")[0].GetProperty("recentIssues");

        Assert.True(result.GetProperty("items")[0].GetProperty("ok").GetBoolean(), result.ToString());
        var issue = Assert.Single(issues.EnumerateArray());
        Assert.Equal("message_too_large", issue.GetProperty("code").GetString());
        Assert.True(issue.GetProperty("size").GetInt64() > 20_000);
        await scenario.AssertStoredExactlyAsync(messages);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "imap")]
    [InlineData(DatabaseProvider.Postgres, "imap")]
    [InlineData(DatabaseProvider.Sqlite, "pop3")]
    [InlineData(DatabaseProvider.Postgres, "pop3")]
    public async Task ChangingTheUsername_FetchesTheNewMailboxAndDeletesNothingNotFetchedFromIt(DatabaseProvider provider, string protocol)
    {
        // Two mailboxes numbered alike (same UIDVALIDITY, UIDs from 1, so the same POP3 UIDLs): positions of the
        // first must not stand for the second.
        var mailbox = await TestMailbox.GetAsync(1000);
        var first = await dovecot.AddUniqueUserAsync();
        var second = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverManyAsync(first.Name, mailbox.Messages.Take(5));
        await dovecot.Server.DeliverManyAsync(second.Name, mailbox.Messages.Skip(5).Take(5));
        var uidValidity = await dovecot.Server.GetUidValidityAsync(first.Name);
        await dovecot.Server.SetUidValidityAsync(second.Name, uidValidity);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var scenario = await ReceivingScenario.StartAsync(provider, Settings(), s => s.AddSingleton<TimeProvider>(clock));
        var server = await scenario.AddServerAsync(protocol == "imap"
            ? ReceivingScenario.Imap(dovecot.Server, first)
            : ReceivingScenario.Pop3(dovecot.Server, first, new { leaveOnServer = true, deleteAfterDays = 14 }));
        Assert.Equal(5, (await FetchDirectAsync(scenario, server)).Stored);

        var changed = await scenario.Owner.PatchAsJsonAsync($"{scenario.Base}/receive-servers/{server}", new { username = second.Name, password = second.Password });
        Assert.True(changed.IsSuccessStatusCode, await changed.Content.ReadAsStringAsync());
        // Past the delete-after time of everything fetched from the first mailbox.
        clock.Advance(TimeSpan.FromDays(15));
        var after = await FetchDirectAsync(scenario, server);

        Assert.True(after.Failure is null, after.Failure?.Detail);
        Assert.Equal(5, after.Stored);
        Assert.Equal(0, after.DeletedOnServer);
        Assert.Equal(5, await dovecot.Server.CountMessagesAsync(second.Name));
        await scenario.AssertStoredExactlyAsync(mailbox.Messages.Take(10).ToList());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task UnprocessableMessage_ShownInReceiveStatusWithItsReason(DatabaseProvider provider)
    {
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverAsync(user.Name, DovecotServer.SampleMessage($"{Guid.NewGuid():N}@example.test"));
        await using var scenario = await ReceivingScenario.StartAsync(provider, Settings());
        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user));
        await scenario.FetchNowAsync();
        // The pipeline runs beside the fetch: let it finish with the message first, or it overwrites the failure set below.
        await Telemetry.MetricsTests.WaitUntilProcessedAsync(scenario, 1);
        // What the inbound pipeline records when it cannot store a message (see ProcessPendingMessagesCommand).
        await scenario.App.WithDbAsync(db => db.RawMessages.Where(m => m.InboxId == scenario.InboxId)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.ProcessedAt, (DateTime?)null)
                .SetProperty(m => m.ProcessingError, "store: 22021: invalid byte sequence for encoding \"UTF8\": 0x00")));

        var unprocessed = (await scenario.StatusAsync()).GetProperty("items")[0].GetProperty("unprocessedMessages");

        var item = Assert.Single(unprocessed.EnumerateArray());
        Assert.Contains("0x00", item.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    private sealed class OneBlobFails
    {
        public volatile string? Hash;
    }

    /// <summary>The real blob store, except that writing the blob of one chosen hash fails as a disk would (the file cannot be written).</summary>
    private sealed class OneBlobFailingStore(FileBlobStore inner, OneBlobFails failing) : IBlobStore
    {
        public Task<BlobRef> PutAsync(Stream content, CancellationToken ct) => inner.PutAsync(content, ct);

        public Task<BlobRef> PutAsync(ReadOnlyMemory<byte> content, CancellationToken ct) => inner.PutAsync(content, ct);

        public Task<BlobRef> PutDeferredAsync(ReadOnlyMemory<byte> content, CancellationToken ct) => Check(content) ?? inner.PutDeferredAsync(content, ct);

        public async Task<BlobRef> PutDeferredAsync(Stream content, CancellationToken ct)
        {
            using var copy = new MemoryStream();
            await content.CopyToAsync(copy, ct);
            var bytes = copy.ToArray();
            return await (Check(bytes) ?? inner.PutDeferredAsync(bytes, ct));
        }

        public Task SyncAsync(CancellationToken ct) => inner.SyncAsync(ct);

        public Stream OpenRead(string hash) => inner.OpenRead(hash);

        public bool Exists(string hash) => inner.Exists(hash);

        public Task<BlobCondition> CheckAsync(string hash, long size, bool verifyContent, CancellationToken ct) => inner.CheckAsync(hash, size, verifyContent, ct);

        public Task DeleteAsync(string hash, CancellationToken ct) => inner.DeleteAsync(hash, ct);

        private Task<BlobRef>? Check(ReadOnlyMemory<byte> content) =>
            failing.Hash is { } hash && Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content.Span)) == hash
                ? Task.FromException<BlobRef>(new IOException("No space left on device (injected by the test)"))
                : null;
    }
}
