using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Madoguchi.IntegrationTests.Tickets.TicketTestData;
using static Madoguchi.Testing.App.InboundMail;

namespace Madoguchi.IntegrationTests.Tickets;

public sealed class TicketApiTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ListTickets_FiltersByInboxStatusPlace_PagesNewestFirst(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var other = await account.CreateInboxAsync();
        var client = await account.SignInOwnerAsync();
        var start = new DateTime(2025, 4, 1, 0, 0, 0, DateTimeKind.Utc);
        var ids = new List<Guid>();
        for (var i = 0; i < 7; i++)
            ids.Add((await app.ReceiveAsync(inbox.Id, Eml(Id(), subject: $"件名 {i}"), start.AddMinutes(i))).TicketId!.Value);
        await app.ReceiveAsync(other.Id, Eml(Id()), start);
        await client.PatchAsJsonAsync($"/api/v1/tickets/{ids[0]}", new { status = "pending" });
        await client.PatchAsJsonAsync($"/api/v1/tickets/{ids[1]}", new { status = "noAction" });
        await client.PatchAsJsonAsync($"/api/v1/tickets/{ids[2]}", new { place = "trash" });

        var page1 = await client.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox.Id}&limit=2");
        var page2 = await client.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox.Id}&limit=2&offset=2");
        var open = await client.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox.Id}&status=open");
        var pending = await client.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox.Id}&status=pending");
        var noAction = await client.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox.Id}&status=noAction");
        var trash = await client.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox.Id}&place=trash");
        var all = await client.GetFromJsonAsync<JsonObject>("/api/v1/tickets");

        Assert.Equal(6, page1!["total"]!.GetValue<int>());
        Assert.Equal([ids[6], ids[5]], Ids(page1));
        Assert.Equal([ids[4], ids[3]], Ids(page2!));
        Assert.Equal([ids[6], ids[5], ids[4], ids[3]], Ids(open!));
        Assert.Equal([ids[0]], Ids(pending!));
        Assert.Equal([ids[1]], Ids(noAction!));
        Assert.Equal([ids[2]], Ids(trash!));
        Assert.Equal(7, all!["total"]!.GetValue<int>());
        var item = page1["items"]![0]!;
        Assert.Equal("件名 6", item["subject"]!.GetValue<string>());
        Assert.Equal("open", item["status"]!.GetValue<string>());
        Assert.Equal("inbox", item["place"]!.GetValue<string>());
        Assert.Equal(1, item["messageCount"]!.GetValue<int>());
        Assert.Equal("customer@example.com", item["from"]!["address"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/tickets?status=done")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/tickets?limit=500")).StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task EveryTicketEndpoint_OtherAccountOrInvisibleInbox_Answers404(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var location = await app.ReceiveAsync(inbox.Id, HostileHtml(Id()));
        var owner = await account.SignInOwnerAsync();
        var ticket = await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{location.TicketId}");
        var attachmentId = ticket!["messages"]![0]!["attachments"]![0]!["id"]!.GetValue<Guid>();
        var stranger = await (await app.CreateAccountAsync()).SignInOwnerAsync();
        var noRoleUser = await account.AddActiveUserAsync();
        var noRole = await app.SignInAsync(noRoleUser.Email);
        var m = location.TicketMessageId;

        foreach (var client in new[] { stranger, noRole })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/tickets/{location.TicketId}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PatchAsJsonAsync($"/api/v1/tickets/{location.TicketId}", new { status = "closed" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/messages/{m}/raw")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/messages/{m}/attachments/{attachmentId}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/tickets?inbox={inbox.Id}")).StatusCode);
            Assert.Equal(0, (await client.GetFromJsonAsync<JsonObject>("/api/v1/tickets"))!["total"]!.GetValue<int>());
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.NewClient().GetAsync($"/api/v1/tickets/{location.TicketId}")).StatusCode);

        await owner.PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/roles/{noRoleUser.Id}", new { role = "assistant" });
        Assert.Equal(HttpStatusCode.OK, (await noRole.GetAsync($"/api/v1/tickets/{location.TicketId}")).StatusCode);
        Assert.Equal(1, (await noRole.GetFromJsonAsync<JsonObject>("/api/v1/tickets"))!["total"]!.GetValue<int>());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task HostileHtml_NeverReachesApi_RemoteImagesBlockedUntilAllowed(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var location = await app.ReceiveAsync(inbox.Id, HostileHtml(Id()));
        var client = await account.SignInOwnerAsync();

        var blocked = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{location.TicketId}"))!["messages"]![0]!;
        var allowed = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{location.TicketId}?images=allow"))!["messages"]![0]!;

        foreach (var message in new[] { blocked, allowed })
        {
            var html = message["html"]!.GetValue<string>();
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("onerror", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("cid:", html, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("https://shop.example/order", html, StringComparison.Ordinal);
            Assert.Contains($"/api/v1/messages/{location.TicketMessageId}/attachments/", html, StringComparison.Ordinal);
            Assert.Equal("Hello team", message["text"]!.GetValue<string>().Trim());
        }
        Assert.True(blocked["hasBlockedImages"]!.GetValue<bool>());
        Assert.DoesNotContain("tracker.example", blocked["html"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(allowed["hasBlockedImages"]!.GetValue<bool>());
        Assert.Contains("https://tracker.example/pixel.png", allowed["html"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("攻撃者", blocked["from"]!["name"]!.GetValue<string>());
        Assert.Equal("support@example.jp", blocked["to"]![0]!["address"]!.GetValue<string>());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Attachment_DownloadsWithDecodedFileName_InlineImageServedInPlace(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var location = await app.ReceiveAsync(inbox.Id, HostileHtml(Id()));
        var client = await account.SignInOwnerAsync();
        var message = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{location.TicketId}"))!["messages"]![0]!;
        var attachments = message["attachments"]!.AsArray();
        var pdf = attachments.Single(a => a!["fileName"]!.GetValue<string>() == "見積書.pdf")!;
        var logo = attachments.Single(a => a!["fileName"]!.GetValue<string>() == "logo.png")!;

        var download = await client.GetAsync(pdf["url"]!.GetValue<string>());
        var inline = await client.GetAsync(logo["url"]!.GetValue<string>() + "?disposition=inline");

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("見積書.pdf", download.Content.Headers.ContentDisposition.FileNameStar);
        Assert.Equal("%PDF-1.4 quote", await download.Content.ReadAsStringAsync());
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("inline", inline.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("image/png", inline.Content.Headers.ContentType!.MediaType);
        Assert.Equal(pdf["size"]!.GetValue<long>(), "%PDF-1.4 quote".Length);
        Assert.True(logo["inline"]!.GetValue<bool>());
    }

    /// <summary>The list counts the tab only for a full page; a short page, an empty tab and a page past the end still
    /// report the exact total.</summary>
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ListTickets_ShortPageEmptyTabOrPastTheEnd_TotalStaysExact(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var client = await account.SignInOwnerAsync();
        var start = new DateTime(2025, 4, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < 5; i++)
            await app.ReceiveAsync(inbox.Id, Eml(Id(), subject: $"件名 {i}"), start.AddMinutes(i));

        async Task<(int Items, int Total)> List(string query)
        {
            var page = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox.Id}&{query}"))!;
            return (page["items"]!.AsArray().Count, page["total"]!.GetValue<int>());
        }

        Assert.Equal((2, 5), await List("limit=2"));
        Assert.Equal((2, 5), await List("limit=2&offset=2"));
        Assert.Equal((1, 5), await List("limit=2&offset=4"));
        Assert.Equal((5, 5), await List("limit=50"));
        Assert.Equal((5, 5), await List("limit=5"));
        Assert.Equal((0, 5), await List("limit=2&offset=5"));
        Assert.Equal((0, 5), await List("limit=2&offset=40"));
        Assert.Equal((0, 0), await List("status=closed"));
        Assert.Equal((0, 0), await List("status=closed&offset=10"));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ListTickets_EveryPageOfEverySort_MatchesTheWholeList_WhicheverEndItIsWalkedFrom(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var other = await account.CreateInboxAsync();
        var client = await account.SignInOwnerAsync();
        var start = new DateTime(2025, 4, 1, 0, 0, 0, DateTimeKind.Utc);
        // Pairs share a receive time, so the order's tie-break (the id) decides too, forwards and backwards.
        for (var i = 0; i < 9; i++)
            await app.ReceiveAsync(inbox.Id, Eml(Id(), subject: $"件名 {i}"), start.AddMinutes(i / 2));
        for (var i = 0; i < 3; i++)
            await app.ReceiveAsync(other.Id, Eml(Id(), subject: $"別 {i}"), start.AddMinutes(i));
        // A label on seven of the nine: its tabs' totals come from the kept label counts, and their deep pages are walked
        // from the nearer end too.
        var label = (await (await client.PostAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/labels", new { name = "七つ", color = "#1e88e5" })).ReadAsync<JsonObject>())["id"]!.GetValue<Guid>();
        var labelled = await app.WithDbAsync(db => db.Tickets.Where(t => t.InboxId == inbox.Id).OrderBy(t => t.Id).Take(7).Select(t => t.Id).ToListAsync());
        (await client.PostAsJsonAsync("/api/v1/tickets/bulk", new { ticketIds = labelled, addLabelIds = new[] { label } })).EnsureSuccessStatusCode();
        var tabs = new Dictionary<string, int>
        {
            [$"inbox={inbox.Id}&status=open"] = 9, [$"inbox={inbox.Id}"] = 9, ["status=open"] = 12, [$"inbox={inbox.Id}&assignee=none"] = 9,
            [$"inbox={inbox.Id}&status=open&label={label}"] = 7, [$"label={label}"] = 7,
        };

        foreach (var (tab, count) in tabs)
        {
            foreach (var sort in new[] { "lastMessage", "oldest", "created" })
            {
                var whole = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?{tab}&sort={sort}&limit=50"))!;
                var expected = Ids(whole);
                Assert.Equal(expected.Count, whole["total"]!.GetValue<int>());
                Assert.Equal(count, expected.Count);
                for (var offset = 0; offset <= expected.Count + 1; offset++)
                {
                    var page = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?{tab}&sort={sort}&limit=4&offset={offset}"))!;
                    Assert.True(expected.Skip(offset).Take(4).SequenceEqual(Ids(page)), $"{tab}, {sort}, offset {offset}");
                    Assert.Equal(expected.Count, page["total"]!.GetValue<int>());
                }
            }
        }
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ListAndCounts_NoRoleSeesNothing_LockedUserOrOtherAccountEndsTheSession(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var stranger = await app.CreateAccountAsync();
        var member = await account.AddActiveUserAsync("権限", "なし");
        await app.ReceiveAsync(inbox.Id, Eml(Id()));

        async Task<(string? Error, int Total, int Inboxes)> ReadAsync(Guid userId, Guid accountId)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var actor = Core.Common.Actor.User(userId, accountId, "someone@example.com", null);
            var list = await scope.ServiceProvider.GetRequiredService<Core.Tickets.ListTicketsQuery>()
                .HandleAsync(actor, new Core.Tickets.TicketListRequest(null, null, Core.Tickets.TicketPlace.Inbox, new Core.Common.PageRequest(0, 50)), CancellationToken.None);
            var counts = await scope.ServiceProvider.GetRequiredService<Core.Tickets.CountTicketBucketsQuery>().HandleAsync(actor, CancellationToken.None);
            Assert.Equal(list.Error?.Code, counts.Error?.Code);
            return (list.Error?.Code, list.Value?.Total ?? -1, counts.Value?.Count ?? -1);
        }

        Assert.Equal((null, 1, 1), await ReadAsync(account.Owner.Id, account.Id));
        Assert.Equal((null, 0, 0), await ReadAsync(member.Id, account.Id));
        Assert.Equal(("session_ended", -1, -1), await ReadAsync(account.Owner.Id, stranger.Id));
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == account.Owner.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.State, Core.Accounts.Users.UserState.Locked)));
        Assert.Equal(("session_ended", -1, -1), await ReadAsync(account.Owner.Id, account.Id));
    }

    private static List<Guid> Ids(JsonObject page) => page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()).ToList();
}
