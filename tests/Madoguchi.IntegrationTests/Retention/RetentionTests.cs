using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Retention;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Madoguchi.IntegrationTests.Storage.StorageTestData;
using static Madoguchi.Testing.App.InboundMail;

namespace Madoguchi.IntegrationTests.Retention;

/// <summary>Deleting mail for good: ゴミ箱 emptied after its days, ゴミ箱を空にする, a ticket's delete, an inbox's
/// auto-delete of closed tickets; storage use drops at once, shared blobs stay, roles apply.</summary>
public sealed class RetentionTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Trash_EmptiedForGoodAfter30Days_ClosedTickets_AfterTheInboxDays(DatabaseProvider provider)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await MadoguchiApp.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Madoguchi:InboundPipeline:RunWorker"] = "false",
            ["Madoguchi:Retention:RunWorker"] = "false",
        }, services: s => s.AddSingleton<TimeProvider>(clock));
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var keeping = await account.CreateInboxAsync();
        var owner = await account.SignInOwnerAsync();
        var trashed = await ReceiveNowAsync(app, inbox.Id, Eml(Id()));
        var open = await ReceiveNowAsync(app, inbox.Id, Eml(Id(), body: "未対応のまま"));
        var closed = await ReceiveNowAsync(app, inbox.Id, Eml(Id(), body: "対応完了"));
        var closedElsewhere = await ReceiveNowAsync(app, keeping.Id, Eml(Id(), body: "自動削除なし"));
        await Patch(owner, trashed, new { place = "trash" });
        await Patch(owner, closed, new { status = "closed" });
        await Patch(owner, closedElsewhere, new { status = "noAction" });
        (await owner.PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/retention", new { autoDeleteClosedAfterDays = 90 })).EnsureSuccessStatusCode();
        var before = await Storage.StorageUseTests.UsageAsync(app, account.Id);
        var trashedSize = await SizeAsync(app, trashed);

        clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromMinutes(1));
        var early = await RoundAsync(app);
        clock.Advance(TimeSpan.FromMinutes(2));
        var due = await RoundAsync(app);
        var afterTrash = await Storage.StorageUseTests.UsageAsync(app, account.Id);
        clock.Advance(TimeSpan.FromDays(60));
        var closedDue = await RoundAsync(app);

        Assert.Equal(0, early.Tickets);
        Assert.Equal(1, due.Tickets);
        Assert.Equal((before.Bytes - trashedSize, before.Originals - 1), afterTrash);
        Assert.Equal(1, closedDue.Tickets);
        var left = await app.WithDbAsync(db => db.Tickets.AsNoTracking().Select(t => t.Id).ToListAsync());
        Assert.Equal(new[] { open, closedElsewhere }.Order(), left.Order());
        Assert.Equal(2, await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.AccountId == account.Id && e.Action == AuditAction.RetentionDeleted)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task EmptyTrash_DeletesOnlyTrash_BlobSharedWithAnotherMessageKept_UseDropsAtOnce_OriginalKeptAsTombstone(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var owner = await account.SignInOwnerAsync();
        var shared = new byte[3000];
        Random.Shared.NextBytes(shared);
        var own = new byte[2000];
        Random.Shared.NextBytes(own);
        var kept = await app.ReceiveAsync(inbox.Id, WithAttachment(Id(), shared));
        var trashedShared = await app.ReceiveAsync(inbox.Id, WithAttachment(Id(), shared, "again.pdf"));
        var trashedOwn = await app.ReceiveAsync(inbox.Id, WithAttachment(Id(), own));
        await Patch(owner, trashedShared.TicketId!.Value, new { place = "trash" });
        await Patch(owner, trashedOwn.TicketId!.Value, new { place = "trash" });
        var keptSize = await SizeAsync(app, kept.TicketId!.Value);
        var hashes = await app.WithDbAsync(db => db.RawMessages.AsNoTracking().ToDictionaryAsync(r => r.Id, r => r.BlobHash));
        var blobs = app.Services.GetRequiredService<IBlobStore>();
        var sharedHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(shared));
        var ownHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(own));

        var response = await owner.PostAsync($"/api/v1/inboxes/{inbox.Id}/empty-trash", null);

        var erased = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, erased!["tickets"]!.GetValue<int>());
        Assert.Equal((keptSize, 1L), await Storage.StorageUseTests.UsageAsync(app, account.Id));
        Assert.True(blobs.Exists(sharedHash));
        Assert.True(blobs.Exists(hashes[kept.RawMessageId]));
        Assert.False(blobs.Exists(ownHash));
        Assert.False(blobs.Exists(hashes[trashedShared.RawMessageId]));
        Assert.False(blobs.Exists(hashes[trashedOwn.RawMessageId]));
        var tombstones = await app.WithDbAsync(db => db.RawMessages.AsNoTracking().Where(r => r.DeletedAt != null).Select(r => r.Id).ToListAsync());
        Assert.Equal(new[] { trashedShared.RawMessageId, trashedOwn.RawMessageId }.Order(), tombstones.Order());
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/v1/tickets/{kept.TicketId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/v1/tickets/{trashedOwn.TicketId}")).StatusCode);
        Assert.True(await app.WithDbAsync(db => db.AuditEntries.AnyAsync(e => e.AccountId == account.Id && e.Action == AuditAction.TrashEmptied)));
        // A reprocess leaves deleted originals alone.
        var reprocess = await Madoguchi.Web.Cli.AdminCommandLine.Parse(["messages", "reprocess"])!.RunAsync(app.Services, TextReader.Null, TextWriter.Null, TextWriter.Null);
        Assert.Equal(0, reprocess);
        Assert.Equal(1, await app.WithDbAsync(db => db.Tickets.CountAsync(t => t.AccountId == account.Id)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task DeleteAndEmptyTrash_NeedInboxAdministrator_AutoDeleteNeeds90Days(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var owner = await account.SignInOwnerAsync();
        var location = await app.ReceiveAsync(inbox.Id, Eml(Id()));
        var clients = new Dictionary<string, HttpClient>();
        foreach (var role in new[] { "assistant", "operator", "manager", "administrator" })
        {
            var user = await account.AddActiveUserAsync(owner, givenName: role);
            (await owner.PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/roles/{user.Id}", new { role })).EnsureSuccessStatusCode();
            clients[role] = await app.SignInAsync(user.Email);
        }
        var none = await app.SignInAsync((await account.AddActiveUserAsync(owner, givenName: "none")).Email);

        foreach (var role in new[] { "assistant", "operator", "manager" })
        {
            await (await clients[role].DeleteAsync($"/api/v1/tickets/{location.TicketId}")).AssertProblemAsync(HttpStatusCode.Forbidden, "inbox_role_too_low");
            await (await clients[role].PostAsync($"/api/v1/inboxes/{inbox.Id}/empty-trash", null)).AssertProblemAsync(HttpStatusCode.Forbidden, "inbox_role_too_low");
            await (await clients[role].PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/retention", new { autoDeleteClosedAfterDays = 120 }))
                .AssertProblemAsync(HttpStatusCode.Forbidden, "inbox_role_too_low");
        }
        await (await none.DeleteAsync($"/api/v1/tickets/{location.TicketId}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await clients["administrator"].PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/retention", new { autoDeleteClosedAfterDays = 89 }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "auto_delete_too_short");
        var set = await (await clients["administrator"].PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/retention", new { autoDeleteClosedAfterDays = 90 })).Content.ReadFromJsonAsync<JsonObject>();
        var read = await clients["assistant"].GetFromJsonAsync<JsonObject>($"/api/v1/inboxes/{inbox.Id}/retention");
        Assert.Equal(90, set!["autoDeleteClosedAfterDays"]!.GetValue<int>());
        Assert.Equal(90, read!["autoDeleteClosedAfterDays"]!.GetValue<int>());
        Assert.Equal(1, await app.WithDbAsync(db => db.Tickets.CountAsync(t => t.Id == location.TicketId)));

        var deleted = await clients["administrator"].DeleteAsync($"/api/v1/tickets/{location.TicketId}");

        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.Tickets.CountAsync(t => t.Id == location.TicketId)));
        Assert.Equal(0, await app.WithDbAsync(db => db.TicketMessages.CountAsync(m => m.TicketId == location.TicketId)));
        Assert.Equal((0L, 0L), await Storage.StorageUseTests.UsageAsync(app, account.Id));
        var entry = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().SingleAsync(e => e.AccountId == account.Id && e.Action == AuditAction.TicketDeleted));
        Assert.Contains(location.TicketId!.Value.ToString(), entry.Detail, StringComparison.Ordinal);
    }

    private static async Task<Guid> ReceiveNowAsync(MadoguchiApp app, Guid inboxId, string eml)
    {
        var raw = await app.StoreOriginalAsync(inboxId, System.Text.Encoding.UTF8.GetBytes(eml.ReplaceLineEndings("\r\n")));
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ProcessPendingMessagesCommand>().HandleAsync(CancellationToken.None);
        return (await app.WaitForPipelineAsync(raw)).TicketId!.Value;
    }

    private static async Task Patch(HttpClient client, Guid ticketId, object body) =>
        (await client.PatchAsJsonAsync($"/api/v1/tickets/{ticketId}", body)).EnsureSuccessStatusCode();

    private static Task<long> SizeAsync(MadoguchiApp app, Guid ticketId) =>
        app.WithDbAsync(db => db.TicketMessages.Where(m => m.TicketId == ticketId).SumAsync(m => m.Size));

    private static async Task<ErasedTickets> RoundAsync(MadoguchiApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RunRetentionCommand>().HandleAsync(CancellationToken.None);
    }
}
