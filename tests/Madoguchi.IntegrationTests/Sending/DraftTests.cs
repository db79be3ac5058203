using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.Core.Sending.Uploads;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets.Live;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Madoguchi.IntegrationTests.Sending;

/// <summary>Reply drafts (下書き) are kept on the ticket for the team: saved on the version their author last read, seen by
/// everyone with access to the inbox and nobody else, removed when the reply is sent from them; sending warns when another
/// reply went out since the draft began; "X is writing a reply" is a presence state that expires like viewing.</summary>
public sealed class DraftTests(AppFixture apps) : IClassFixture<AppFixture>
{
    /// <summary>An SMTP port nobody listens on: replies stay queued (connection refused, retried later); nothing is sent.</summary>
    private static object NowhereAddress(string address) =>
        new { address, displayName = "サポート", isDefault = true, host = "127.0.0.1", port = 9, security = "none", authentication = "none" };

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Drafts_SavedOnTheirVersion_SeenByTheTeam_NotByUsersWithoutTheInbox(DatabaseProvider provider)
    {
        var s = await SendingScenario.OnAsync(await apps.GetAsync(provider));
        var sendAddress = await s.AddSendAddressAsync(NowhereAddress($"drafts-{provider}@example.test"));
        var ticketId = await s.ReceiveCustomerMailAsync($"draft-crud-{provider}-{Guid.NewGuid():N}@example.com");
        var (_, operatorClient) = await s.MemberAsync("operator");
        var (_, assistant) = await s.MemberAsync("assistant");
        var (_, outsider) = await s.MemberAsync("none");
        var drafts = $"/api/v1/tickets/{ticketId}/drafts";

        var created = await (await s.Owner.PostAsJsonAsync(drafts, new
        {
            sendAddressId = sendAddress, to = new[] { "customer@mail.test" }, cc = new[] { "boss@mail.test" }, text = "お問い合わせありがとうございます。\n確認して",
            statusAfter = "open",
        })).ReadAsync<JsonElement>(HttpStatusCode.Created);
        var draftId = created.GetProperty("id").GetGuid();
        var seen = await (await operatorClient.GetAsync(drafts)).ReadAsync<JsonElement>();
        await (await operatorClient.PatchAsJsonAsync($"{drafts}/{draftId}", new { text = "横取り", version = 1 })).AssertProblemAsync(HttpStatusCode.Forbidden, "draft_not_yours");
        await (await operatorClient.DeleteAsync($"{drafts}/{draftId}")).AssertProblemAsync(HttpStatusCode.Forbidden, "draft_not_yours");
        await (await s.Owner.PatchAsJsonAsync($"{drafts}/{draftId}", new { text = "版なし" })).AssertProblemAsync(HttpStatusCode.BadRequest, "version_required");
        var updated = await (await s.Owner.PatchAsJsonAsync($"{drafts}/{draftId}", new { text = "お問い合わせありがとうございます。確認いたします。", version = 1 })).ReadAsync<JsonElement>();
        var stale = await (await s.Owner.PatchAsJsonAsync($"{drafts}/{draftId}", new { text = "古い画面から", version = 1 })).ReadProblemAsync(HttpStatusCode.Conflict);
        await (await outsider.GetAsync(drafts)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await outsider.PostAsJsonAsync(drafts, new { text = "見えないはず" })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await outsider.DeleteAsync($"{drafts}/{draftId}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        var assistantDraft = await (await assistant.PostAsJsonAsync(drafts, new { text = "アシスタントの下書き" })).ReadAsync<JsonElement>(HttpStatusCode.Created);
        await (await s.Owner.PostAsJsonAsync(drafts, new { text = "x", statusAfter = "someday" })).AssertProblemAsync(HttpStatusCode.BadRequest, "status_after_invalid");
        var both = await (await assistant.GetAsync(drafts)).ReadAsync<JsonElement>();
        // A manager and up may clear a colleague's draft; its author may too.
        await (await s.Owner.DeleteAsync($"{drafts}/{assistantDraft.GetProperty("id").GetGuid()}")).AssertStatusAsync(HttpStatusCode.NoContent);
        await (await s.Owner.DeleteAsync($"{drafts}/{draftId}")).AssertStatusAsync(HttpStatusCode.NoContent);
        var none = await (await s.Owner.GetAsync(drafts)).ReadAsync<JsonElement>();

        Assert.Equal(1, created.GetProperty("version").GetInt32());
        Assert.Equal(s.Account.Owner.Id, created.GetProperty("authorId").GetGuid());
        Assert.Equal("お問い合わせありがとうございます。 確認して", created.GetProperty("preview").GetString());
        var item = Assert.Single(seen.GetProperty("items").EnumerateArray());
        Assert.Equal(draftId, item.GetProperty("id").GetGuid());
        Assert.Equal(s.Account.Owner.DisplayName, item.GetProperty("authorName").GetString());
        Assert.Equal(["customer@mail.test"], item.GetProperty("to").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(["boss@mail.test"], item.GetProperty("cc").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(sendAddress, item.GetProperty("sendAddressId").GetGuid());
        Assert.Equal("open", item.GetProperty("statusAfter").GetString());
        Assert.Equal(2, updated.GetProperty("version").GetInt32());
        Assert.Equal(["customer@mail.test"], updated.GetProperty("to").EnumerateArray().Select(a => a.GetString()));
        Assert.True(updated.GetProperty("updatedAt").GetDateTime() >= updated.GetProperty("startedAt").GetDateTime());
        Assert.Equal("draft_changed", stale.GetProperty("code").GetString());
        Assert.Equal(2, stale.GetProperty("current").GetProperty("version").GetInt32());
        Assert.Equal("お問い合わせありがとうございます。確認いたします。", stale.GetProperty("current").GetProperty("text").GetString());
        Assert.Equal(2, both.GetProperty("total").GetInt32());
        Assert.Equal(0, none.GetProperty("total").GetInt32());
        var document = await (await s.App.CreateClient().GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync();
        Assert.Contains("/api/v1/tickets/{id}/drafts/{draftId}", document, StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reply_FromADraft_RemovesIt_AnotherReplySentSinceTheDraftBegan_AsksForConfirmation(DatabaseProvider provider)
    {
        var s = await SendingScenario.OnAsync(await apps.GetAsync(provider));
        await s.AddSendAddressAsync(NowhereAddress($"meanwhile-{provider}@example.test"));
        var ticketId = await s.ReceiveCustomerMailAsync($"draft-send-{provider}-{Guid.NewGuid():N}@example.com");
        var (colleagueId, colleague) = await s.MemberAsync("operator");
        var drafts = $"/api/v1/tickets/{ticketId}/drafts";
        var mine = (await (await s.Owner.PostAsJsonAsync(drafts, new { text = "返金いたします。" })).ReadAsync<JsonElement>(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        var theirs = (await (await colleague.PostAsJsonAsync(drafts, new { text = "交換いたします。" })).ReadAsync<JsonElement>(HttpStatusCode.Created)).GetProperty("id").GetGuid();

        // The colleague sends first, from their draft: nothing was sent since it began, and the draft goes with the send.
        await (await colleague.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/replies", new { text = "交換いたします。", draftId = mine })).AssertProblemAsync(HttpStatusCode.Forbidden, "draft_not_yours");
        var first = await s.ReplyAsAsync(colleague, ticketId, new { text = "交換いたします。", draftId = theirs, statusAfter = "open" });
        var afterFirst = await s.App.WithDbAsync(db => db.ReplyDrafts.AsNoTracking().Where(d => d.TicketId == ticketId).Select(d => d.Id).ToListAsync());
        // Then I send from mine: the colleague's reply went out after my draft began.
        var warned = await (await s.Owner.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/replies", new { text = "返金いたします。", draftId = mine })).ReadProblemAsync(HttpStatusCode.Conflict);
        var messagesWhileWarned = await s.App.WithDbAsync(db => db.TicketMessages.CountAsync(m => m.TicketId == ticketId));
        var confirmed = await s.ReplyAsync(ticketId, new { text = "返金いたします。", draftId = mine, confirmSentMeanwhile = true });
        // A draft begun after both replies sends without a warning.
        var later = (await (await s.Owner.PostAsJsonAsync(drafts, new { text = "追伸です。" })).ReadAsync<JsonElement>(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        await s.ReplyAsync(ticketId, new { text = "追伸です。", draftId = later });
        await (await s.Owner.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/replies", new { text = "もう一度", draftId = later })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal("queued", first.GetProperty("sendState").GetString());
        Assert.Equal([mine], afterFirst);
        Assert.Equal("reply_sent_meanwhile", warned.GetProperty("code").GetString());
        var reply = Assert.Single(warned.GetProperty("replies").EnumerateArray());
        Assert.Equal(first.GetProperty("id").GetGuid(), reply.GetProperty("messageId").GetGuid());
        Assert.Equal(colleagueId, reply.GetProperty("authorId").GetGuid());
        Assert.Equal("役割 operator", reply.GetProperty("authorName").GetString());
        Assert.Equal(2, messagesWhileWarned);
        Assert.Equal("sent", confirmed.GetProperty("direction").GetString());
        Assert.Equal(0, await s.App.WithDbAsync(db => db.ReplyDrafts.CountAsync(d => d.TicketId == ticketId)));
        Assert.Equal(4, await s.App.WithDbAsync(db => db.TicketMessages.CountAsync(m => m.TicketId == ticketId)));
    }

    /// <summary>A draft keeps the uploads it attaches: they outlive the day uploads are kept, come back with the draft (the
    /// reply box restores them from <c>attachments</c>) and are deleted, files included, when the draft is thrown away. An
    /// upload taken out of the draft, or someone else's, follows the normal retention.</summary>
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task DraftAttachments_KeptPastUploadRetention_ListedWithTheDraft_DeletedWithIt(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var s = await SendingScenario.OnAsync(app);
        var ticketId = await s.ReceiveCustomerMailAsync($"draft-files-{provider}-{Guid.NewGuid():N}@example.com");
        var (_, member) = await s.MemberAsync("operator");
        var (_, colleague) = await s.MemberAsync("operator");
        var ids = await member.UploadAsync(("見積書.pdf", "application/pdf", Unique("見積書")), ("dropped.bin", "application/octet-stream", Unique("dropped")));
        var foreign = (await colleague.UploadAsync(("other.bin", "application/octet-stream", Unique("other"))))[0];
        var drafts = $"/api/v1/tickets/{ticketId}/drafts";

        await (await member.PostAsJsonAsync(drafts, new { text = "x", attachmentIds = new[] { foreign } })).AssertProblemAsync(HttpStatusCode.NotFound, "upload_not_found");
        var created = await (await member.PostAsJsonAsync(drafts, new { text = "見積書を添付します。", attachmentIds = ids })).ReadAsync<JsonElement>(HttpStatusCode.Created);
        var draftId = created.GetProperty("id").GetGuid();
        // The second file taken out again: no longer the draft's.
        var updated = await (await member.PatchAsJsonAsync($"{drafts}/{draftId}", new { attachmentIds = new[] { ids[0] }, version = 1 })).ReadAsync<JsonElement>();
        var hashes = await app.WithDbAsync(db => db.Uploads.AsNoTracking().Where(u => ids.Contains(u.Id) || u.Id == foreign).ToDictionaryAsync(u => u.Id, u => u.BlobHash));
        // The retention round, more than a day later.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var options = scope.ServiceProvider.GetRequiredService<IOptions<SendingOptions>>();
            var later = new FakeTimeProvider(DateTimeOffset.UtcNow + options.Value.UploadRetention + TimeSpan.FromHours(1));
            await new PruneUploadsCommand(scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>(), scope.ServiceProvider.GetRequiredService<IBlobStore>(),
                options, later, NullLogger<PruneUploadsCommand>.Instance).HandleAsync(default);
        }
        var listed = Assert.Single((await (await colleague.GetAsync(drafts)).ReadAsync<JsonElement>()).GetProperty("items").EnumerateArray());
        var blobs = app.Services.GetRequiredService<IBlobStore>();
        var keptAfterRound = blobs.Exists(hashes[ids[0]]);
        var droppedAfterRound = blobs.Exists(hashes[ids[1]]) || blobs.Exists(hashes[foreign]);
        await (await member.DeleteAsync($"{drafts}/{draftId}")).AssertStatusAsync(HttpStatusCode.NoContent);

        Assert.Equal(["見積書.pdf", "dropped.bin"], created.GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("fileName").GetString()));
        Assert.Equal([ids[0]], updated.GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()));
        var attachment = Assert.Single(listed.GetProperty("attachments").EnumerateArray());
        Assert.Equal(ids[0], attachment.GetProperty("id").GetGuid());
        Assert.Equal("見積書.pdf", attachment.GetProperty("fileName").GetString());
        Assert.True(keptAfterRound);
        Assert.False(droppedAfterRound);
        Assert.False(await app.WithDbAsync(db => db.Uploads.AnyAsync(u => ids.Contains(u.Id) || u.Id == foreign)));
        Assert.False(blobs.Exists(hashes[ids[0]]));
    }

    private static byte[] Unique(string name) => System.Text.Encoding.UTF8.GetBytes($"{name} {Guid.NewGuid()}");

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task WritingPresence_ShownLiveInTheApi_BusiestActivityPerUser_ExpiresLikeViewing(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var s = await SendingScenario.OnAsync(app);
        var ticketId = await s.ReceiveCustomerMailAsync($"writing-{provider}-{Guid.NewGuid():N}@example.com");
        var (memberId, member) = await s.MemberAsync("assistant");
        var options = app.Services.GetRequiredService<IOptions<PresenceOptions>>();
        // This instance's screens on a clock of their own, so they can be made to stop beating without waiting.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var presence = new TicketPresence(app.Services.GetRequiredService<ITicketChangeFeed>(), app.Services.GetRequiredService<IServiceScopeFactory>(), clock, options);
        var changes = new List<TicketChange>();
        using var subscription = app.Services.GetRequiredService<ITicketChangeFeed>().Subscribe(s.Account.Id, c =>
        {
            lock (changes)
                changes.Add(c);
        });

        await presence.EnterAsync(s.Account.Id, s.InboxId, ticketId, memberId, "役割 花子", "member-ticket");
        var viewing = await (await s.Owner.GetAsync($"/api/v1/tickets/{ticketId}/presence")).ReadAsync<JsonElement>();
        await presence.SetActivityAsync(s.Account.Id, s.InboxId, ticketId, memberId, "役割 花子", "member-reply-box", PresenceActivity.Writing);
        var writing = await (await s.Owner.GetAsync($"/api/v1/tickets/{ticketId}/presence")).ReadAsync<JsonElement>();
        await presence.LeaveAsync(s.Account.Id, s.InboxId, ticketId, memberId, "役割 花子", "member-reply-box");
        var stopped = await (await member.GetAsync($"/api/v1/tickets/{ticketId}/presence")).ReadAsync<JsonElement>();
        await presence.SetActivityAsync(s.Account.Id, s.InboxId, ticketId, memberId, "役割 花子", "member-reply-box", PresenceActivity.Writing);
        // The member's browser goes away without a word: no more heartbeats.
        clock.Advance(options.Value.Timeout + TimeSpan.FromSeconds(1));
        var expired = await presence.OnAsync(ticketId);
        var swept = await presence.SweepAsync(CancellationToken.None);

        Assert.Equal("viewing", Assert.Single(viewing.GetProperty("viewers").EnumerateArray()).GetProperty("activity").GetString());
        Assert.Equal("writing", Assert.Single(writing.GetProperty("viewers").EnumerateArray()).GetProperty("activity").GetString());
        Assert.Equal("viewing", Assert.Single(stopped.GetProperty("viewers").EnumerateArray()).GetProperty("activity").GetString());
        Assert.Empty(expired);
        Assert.Equal(2, swept);
        Assert.Equal(0, await app.WithDbAsync(db => db.TicketViewers.CountAsync(v => v.TicketId == ticketId)));
        lock (changes)
            Assert.Contains(changes, c => c.TicketId == ticketId && c.Kind == TicketChangeKind.Presence && c.Presence is { Activity: PresenceActivity.Writing, Left: false });
    }
}
