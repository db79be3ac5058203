using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Receiving.Servers;
using Madoguchi.Core.Receiving.Storage;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets.Live;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Madoguchi.IntegrationTests.Storage.StorageTestData;
using static Madoguchi.Testing.App.InboundMail;

namespace Madoguchi.IntegrationTests.Tickets;

/// <summary>What happens when the receive pipeline, people and deletion touch the same ticket or blob at the same moment:
/// no change is lost silently, presence expires, a reused attachment file is never deleted from under a new message.</summary>
public sealed class ConcurrencyTests
{
    private static readonly Dictionary<string, string?> NoWorkers = new()
    {
        ["Madoguchi:InboundPipeline:RunWorker"] = "false",
        ["Madoguchi:Retention:RunWorker"] = "false",
    };

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReplyReceivedWhileAPersonChangesTheTicket_InParallel_EveryChangeBumpsTheVersionOnce_NoStaleWriteGoesThrough(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, NoWorkers);
        var account = await app.CreateAccountAsync();
        var inbox = (await account.CreateInboxAsync()).Id;
        var owner = await account.SignInOwnerAsync();
        var first = Id();
        var ticket = await ReceiveNowAsync(app, inbox, Eml(first, subject: "競合"));
        var patched = 0;

        for (var round = 0; round < 12; round++)
        {
            var before = (await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ticket}"))!;
            var version = before["version"]!.GetValue<int>();
            var raw = await app.StoreOriginalAsync(inbox, System.Text.Encoding.UTF8.GetBytes(Eml(Id(), subject: "Re: 競合", inReplyTo: first).ReplaceLineEndings("\r\n")));

            var receive = Task.Run(() => ProcessPendingAsync(app));
            var patch = Task.Run(() => owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { status = "closed", version }));
            await Task.WhenAll(receive, patch);

            var answer = await patch;
            var after = (await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ticket}"))!;
            Assert.Equal(round + 2, after["messageCount"]!.GetValue<int>());
            Assert.Equal(ticket, (await app.WaitForPipelineAsync(raw)).TicketId);
            // Whatever the order, a received message reopens the ticket and counts as a change of its own.
            Assert.Equal("open", after["status"]!.GetValue<string>());
            if (answer.StatusCode == HttpStatusCode.OK)
            {
                // The person's change came first (the reply had not changed the version they named): both count.
                patched++;
                Assert.Equal(version + 1, (await answer.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<int>());
                Assert.Equal(version + 2, after["version"]!.GetValue<int>());
            }
            else
            {
                Assert.Equal(HttpStatusCode.Conflict, answer.StatusCode);
                Assert.Equal(version + 1, after["version"]!.GetValue<int>());
            }
        }
        var statusLines = (await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ticket}/history?limit=200"))!["items"]!.AsArray()
            .Count(e => e!["field"]!.GetValue<string>() == "status");
        Assert.Equal(patched, statusLines);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Presence_ShownInTheApi_AViewerWhoseHeartbeatStoppedDropsOutAfterTheTimeout(DatabaseProvider provider)
    {
        // Whole seconds: PostgreSQL keeps microseconds, the clock ticks in 100 ns.
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await using var app = await MadoguchiApp.StartAsync(provider, NoWorkers, services: s => s.AddSingleton<TimeProvider>(clock));
        var account = await app.CreateAccountAsync();
        var inbox = (await account.CreateInboxAsync()).Id;
        var owner = await account.SignInOwnerAsync();
        var member = await account.AddActiveUserAsync(owner, givenName: "花子");
        (await owner.PutAsJsonAsync($"/api/v1/inboxes/{inbox}/roles/{member.Id}", new { role = "assistant" })).EnsureSuccessStatusCode();
        var assistant = await app.SignInAsync(member.Email);
        var ticket = await ReceiveNowAsync(app, inbox, Eml(Id(), subject: "誰が見ている"));
        var presence = app.Services.GetRequiredService<TicketPresence>();
        // Another instance's presence: it enters, then stops sending heartbeats as a crashed instance would.
        var crashed = new TicketPresence(app.Services.GetRequiredService<ITicketChangeFeed>(), app.Services.GetRequiredService<IServiceScopeFactory>(), clock,
            app.Services.GetRequiredService<IOptions<PresenceOptions>>());
        var timeout = app.Services.GetRequiredService<IOptions<PresenceOptions>>().Value.Timeout;
        var since = clock.GetUtcNow().UtcDateTime;

        await presence.EnterAsync(account.Id, inbox, ticket, member.Id, "窓口 花子", "screen-1");
        await crashed.EnterAsync(account.Id, inbox, ticket, account.Owner.Id, "窓口 太郎", "screen-2");
        var both = await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ticket}/presence");
        clock.Advance(timeout / 2);
        await presence.HeartbeatAsync(CancellationToken.None);
        clock.Advance(timeout / 2 + TimeSpan.FromSeconds(1));
        var later = await assistant.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ticket}/presence");
        // The sweep (this call or the worker's, which the clock also woke) removes the crashed screen's row.
        await presence.SweepAsync(CancellationToken.None);
        var rows = await app.WithDbAsync(db => db.TicketViewers.AsNoTracking().Where(v => v.TicketId == ticket).Select(v => v.SessionId).ToListAsync());
        await presence.LeaveAsync(account.Id, inbox, ticket, member.Id, "窓口 花子", "screen-1");
        var none = await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ticket}/presence");

        var viewers = both!["viewers"]!.AsArray();
        Assert.Equal(["窓口 太郎", "窓口 花子"], viewers.Select(v => v!["name"]!.GetValue<string>()));
        Assert.All(viewers, v => Assert.Equal("viewing", v!["activity"]!.GetValue<string>()));
        Assert.Equal(since, viewers[1]!["since"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal(member.Id, viewers[1]!["userId"]!.GetValue<Guid>());
        var left = Assert.Single(later!["viewers"]!.AsArray());
        Assert.Equal(member.Id, left!["userId"]!.GetValue<Guid>());
        Assert.Equal(["screen-1"], rows);
        Assert.Empty(none!["viewers"]!.AsArray());
        Assert.Equal(0, await app.WithDbAsync(db => db.TicketViewers.CountAsync(v => v.TicketId == ticket)));
        var document = await (await app.CreateClient().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();
        Assert.Contains("/api/v1/tickets/{id}/presence", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Presence_TwoInstancesOnPostgres_SeeTheSameViewers_ACrashedInstancesViewerExpires()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var first = await MadoguchiApp.StartAsync(DatabaseProvider.Postgres, NoWorkers, services: s => s.AddSingleton<TimeProvider>(clock));
        var second = await MadoguchiApp.StartBesideAsync(first, NoWorkers);
        var account = await first.CreateAccountAsync();
        var inbox = (await account.CreateInboxAsync()).Id;
        var ticket = await ReceiveNowAsync(first, inbox, Eml(Id(), subject: "二台で見る"));
        await second.Services.GetRequiredService<TicketPresence>().EnterAsync(account.Id, inbox, ticket, account.Owner.Id, "窓口 太郎", "second-screen");

        var seen = await first.Services.GetRequiredService<TicketPresence>().OnAsync(ticket);
        // The second instance goes away without closing its screen: its heartbeats stop.
        await second.DisposeAsync();
        var justAfter = await first.Services.GetRequiredService<TicketPresence>().OnAsync(ticket);
        clock.Advance(first.Services.GetRequiredService<IOptions<PresenceOptions>>().Value.Timeout + TimeSpan.FromMinutes(5));
        var afterTimeout = await first.Services.GetRequiredService<TicketPresence>().OnAsync(ticket);

        Assert.Equal("窓口 太郎", Assert.Single(seen).Name);
        Assert.Single(justAfter);
        Assert.Empty(afterTimeout);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AttachmentBlobReusedByANewMessage_WhileTheLastOldHolderIsErased_TheFileStays(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, NoWorkers);
        var account = await app.CreateAccountAsync();
        var inbox = (await account.CreateInboxAsync()).Id;
        var owner = await account.SignInOwnerAsync();
        var blobs = app.Services.GetRequiredService<IBlobStore>();
        var bytes = RandomNumberGenerator.GetBytes(4000);
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var old = await ReceiveNowAsync(app, inbox, WithAttachment(Id(), bytes));
        (await owner.PatchAsJsonAsync($"/api/v1/tickets/{old}", new { place = "trash" })).EnsureSuccessStatusCode();

        // The new message's prepare step finds the file already stored and reuses it; then the old holder is erased;
        // then the new message's transaction points its attachment at the blob.
        var raw = await app.StoreOriginalAsync(inbox, WithAttachment(Id(), bytes, "again.pdf"));
        var original = await app.WithDbAsync(db => db.RawMessages.AsNoTracking().SingleAsync(r => r.Id == raw));
        IReadOnlyList<InboundMessage> prepared;
        await using (var scope = app.Services.CreateAsyncScope())
            prepared = await scope.ServiceProvider.GetRequiredService<InboundPipeline>().PrepareAsync([(original, false)], CancellationToken.None);
        var erased = await owner.PostAsync($"/api/v1/inboxes/{inbox}/empty-trash", null);
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<InboundPipeline>().StoreAsync(prepared, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.Equal(1, (await erased.Content.ReadFromJsonAsync<JsonObject>())!["tickets"]!.GetValue<int>());
        Assert.Equal(1, await app.WithDbAsync(db => db.TicketAttachments.CountAsync(a => a.BlobHash == hash)));
        Assert.Equal(BlobCondition.Intact, await blobs.CheckAsync(hash, bytes.Length, verifyContent: true, CancellationToken.None));

        // The same race with real parallelism: receiving and emptying the trash at once, several times over.
        for (var round = 0; round < 6; round++)
        {
            var content = RandomNumberGenerator.GetBytes(2000 + round);
            var trashed = await ReceiveNowAsync(app, inbox, WithAttachment(Id(), content));
            (await owner.PatchAsJsonAsync($"/api/v1/tickets/{trashed}", new { place = "trash" })).EnsureSuccessStatusCode();
            await app.StoreOriginalAsync(inbox, WithAttachment(Id(), content, $"round-{round}.pdf"));
            var empty = Task.Run(() => owner.PostAsync($"/api/v1/inboxes/{inbox}/empty-trash", null));
            await Task.WhenAll(Task.Run(() => ProcessPendingAsync(app)), empty);
            Assert.Equal(HttpStatusCode.OK, (await empty).StatusCode);
        }
        var attachments = await app.WithDbAsync(db => db.TicketAttachments.AsNoTracking().Select(a => new { a.BlobHash, a.Size }).ToListAsync());
        Assert.Equal(7, attachments.Count);
        foreach (var attachment in attachments)
            Assert.Equal(BlobCondition.Intact, await blobs.CheckAsync(attachment.BlobHash, attachment.Size, verifyContent: true, CancellationToken.None));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OriginalFetchedAgainIntoAnotherInbox_WhileTheOldHolderIsErased_NoRowPointsAtAMissingFile_FetchedAgainLater(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, new Dictionary<string, string?>(NoWorkers) { ["Madoguchi:Receiving:WorkerEnabled"] = "false" });
        var account = await app.CreateAccountAsync();
        var first = (await account.CreateInboxAsync()).Id;
        var second = (await account.CreateInboxAsync()).Id;
        var owner = await account.SignInOwnerAsync();
        var blobs = app.Services.GetRequiredService<IBlobStore>();
        var bytes = System.Text.Encoding.UTF8.GetBytes(Eml(Id(), subject: "同じ原本").ReplaceLineEndings("\r\n"));
        var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var old = await ReceiveNowAsync(app, first, bytes);
        (await owner.PatchAsJsonAsync($"/api/v1/tickets/{old}", new { place = "trash" })).EnsureSuccessStatusCode();
        var server = new ReceiveServer
        {
            AccountId = account.Id, InboxId = second, Protocol = ReceiveProtocol.Imap, Host = "127.0.0.1", Port = 1, Username = "same",
            ProtectedPassword = "unused", UseIdle = false, PollSeconds = 3600, CreatedAt = DateTime.UtcNow,
        };
        await app.WithDbAsync(db =>
        {
            db.ReceiveServers.Add(server);
            return db.SaveChangesAsync();
        });

        // The second inbox's fetch pass writes the same original (its file is already there), the first inbox's trash is
        // emptied, then the pass commits its row.
        await using var scope = app.Services.CreateAsyncScope();
        var context = NewFetchContext(scope.ServiceProvider, server);
        var fetched = await context.StoreBlobAsync(new MemoryStream(bytes), uidl: null, uid: 1, CancellationToken.None);
        var erased = await owner.PostAsync($"/api/v1/inboxes/{first}/empty-trash", null);
        await context.CommitImapAsync("INBOX", 1, 1, [fetched], [], CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        var stored = await app.WithDbAsync(db => db.RawMessages.AsNoTracking().Where(r => r.InboxId == second && r.DeletedAt == null).Select(r => r.BlobHash).ToListAsync());
        foreach (var storedHash in stored)
            Assert.Equal(BlobCondition.Intact, await blobs.CheckAsync(storedHash, bytes.Length, verifyContent: true, CancellationToken.None));
        var retry = await app.WithDbAsync(db => db.ReceiveRetries.AsNoTracking().SingleAsync(r => r.ReceiveServerId == server.Id));
        Assert.Equal("message_not_stored", retry.Code);
        Assert.Null(retry.ResolvedAt);

        // Its retry fetches it again: now stored, with its file, and the retry is over.
        var again = await context.StoreBlobAsync(new MemoryStream(bytes), uidl: null, uid: 1, CancellationToken.None);
        await context.CommitImapAsync("INBOX", 1, 1, [again], [], CancellationToken.None);
        Assert.Equal(hash, Assert.Single(await app.WithDbAsync(db => db.RawMessages.AsNoTracking().Where(r => r.InboxId == second).Select(r => r.BlobHash).ToListAsync())));
        Assert.Equal(BlobCondition.Intact, await blobs.CheckAsync(hash, bytes.Length, verifyContent: true, CancellationToken.None));
        Assert.NotNull((await app.WithDbAsync(db => db.ReceiveRetries.AsNoTracking().SingleAsync(r => r.ReceiveServerId == server.Id))).ResolvedAt);
    }

    private static FetchContext NewFetchContext(IServiceProvider sp, ReceiveServer server) => new(
        server, new ServerConnection(server.Id, server.Host, server.Port, server.Security, server.ValidateCertificate, server.Username, "unused"),
        sp.GetRequiredService<IOptions<ReceivingOptions>>().Value, sp.GetRequiredService<MadoguchiDbContext>(), sp.GetRequiredService<IBlobStore>(),
        sp.GetRequiredService<InboundSignal>(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
        sp.GetRequiredService<Madoguchi.Core.Telemetry.MadoguchiMetrics>());

    private static async Task ProcessPendingAsync(MadoguchiApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ProcessPendingMessagesCommand>().HandleAsync(CancellationToken.None);
    }

    private static Task<Guid> ReceiveNowAsync(MadoguchiApp app, Guid inboxId, string eml) =>
        ReceiveNowAsync(app, inboxId, System.Text.Encoding.UTF8.GetBytes(eml.ReplaceLineEndings("\r\n")));

    private static async Task<Guid> ReceiveNowAsync(MadoguchiApp app, Guid inboxId, byte[] bytes)
    {
        var raw = await app.StoreOriginalAsync(inboxId, bytes);
        await ProcessPendingAsync(app);
        return (await app.WaitForPipelineAsync(raw)).TicketId!.Value;
    }
}
