using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Search;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Search;

/// <summary>Search semantics on both databases, through the real pipeline and the API: two-character Japanese, width
/// folding, English case and word prefixes, AND, HTML-only mail, attachment names, the trash/spam toggle, filters, sorts,
/// highlights, roles, and that re-running the pipeline or rebuilding the index changes nothing.</summary>
public sealed class SearchTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Search_JapaneseTwoCharactersWidthFoldingEnglishPrefixAnd_FindsExactlyTheMessagesContainingEveryTerm(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var owner = await account.SignInOwnerAsync();
        var m = await ReceiveAllAsync(app, inbox.Id);

        // Found the moment they are stored (the postings still pending, every document checked directly) and the same
        // once the indexer has written the postings.
        Assert.Equal(8, await app.WithDbAsync(db => db.SearchDocuments.CountAsync(d => d.PostingsPendingSince != null)));
        await FindsEveryTermAsync(owner, m);
        Assert.Equal(8, await IndexPendingAsync(app));
        Assert.Equal(0, await app.WithDbAsync(db => db.SearchDocuments.CountAsync(d => d.PostingsPendingSince != null)));
        Assert.True(await app.WithDbAsync(db => db.SearchPostings.CountAsync()) > 100);
        await FindsEveryTermAsync(owner, m);

        var hit = (await SearchAsync(owner, "再発行"))["items"]![0]!;
        Assert.Equal(m.Reissue, hit["id"]!.GetValue<Guid>());
        Assert.Equal(inbox.Id, hit["inboxId"]!.GetValue<Guid>());
        Assert.Equal("請求書の再発行について", hit["subject"]!.GetValue<string>());
        Assert.Equal("reissue@search.example", hit["messageId"]!.GetValue<string>());
        Assert.Equal("inbox", hit["place"]!.GetValue<string>());
        Assert.Equal("open", hit["status"]!.GetValue<string>());
        Assert.Equal("yamada@customer.example", hit["from"]!["address"]!.GetValue<string>());
        Assert.Contains("<mark>再発行</mark>", hit["snippet"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("<mark>ｶﾀｶﾅ</mark>", (await SearchAsync(owner, "カタカナ"))["items"]![0]!["snippet"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", (await SearchAsync(owner, "refund"))["items"]![0]!["snippet"]!.GetValue<string>(), StringComparison.Ordinal);

        // Newest first by default; relevance puts the subject match first.
        Assert.Equal([m.Wrapped, m.Reissue], await IdsAsync(owner, "請求", sorted: true));
        Assert.Equal([m.Reissue, m.Wrapped], await IdsAsync(owner, "請求", sorted: true, extra: "&sort=relevance"));
        Assert.Equal(S(m.Reissue), await IdsAsync(owner, "請求", extra: "&from=2025-04-02&to=2025-04-02"));
        Assert.Equal(S(m.Attachment), await IdsAsync(owner, "添付", extra: "&hasAttachment=true"));
        Assert.Equal(S(m.HtmlOnly), await IdsAsync(owner, "添付", extra: "&hasAttachment=false"));
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.GetAsync("/api/v1/search?q=")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.GetAsync("/api/v1/search?q=a&status=done")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.GetAsync("/api/v1/search?q=a&assignee=someone")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/v1/search?q=a&assignee=me&label={Guid.NewGuid()}")).StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Search_TrashAndSpam_LeftOutUntilToggled_EachResultShowsItsPlace(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var owner = await account.SignInOwnerAsync();
        var kept = await ReceiveAsync(app, inbox.Id, Mail("kept@search.example", "請求について", "請求の件です。"));
        var trashed = await ReceiveAsync(app, inbox.Id, Mail("trash@search.example", "請求(ゴミ箱)", "請求の件です。"));
        var spam = await ReceiveAsync(app, inbox.Id, Mail("spam@search.example", "請求(迷惑)", "請求の件です。", "X-Spam-Flag: YES"));
        await owner.PatchAsJsonAsync($"/api/v1/tickets/{await TicketOfAsync(app, trashed)}", new { place = "trash" });
        await owner.PatchAsJsonAsync($"/api/v1/tickets/{await TicketOfAsync(app, spam)}", new { place = "spam" });

        var without = await SearchAsync(owner, "請求");
        var with = await SearchAsync(owner, "請求", "&includeTrashAndSpam=true");

        Assert.Equal(1, without["total"]!.GetValue<int>());
        Assert.Equal([kept], Ids(without));
        Assert.Equal(3, with["total"]!.GetValue<int>());
        var places = with["items"]!.AsArray().ToDictionary(i => i!["id"]!.GetValue<Guid>(), i => i!["place"]!.GetValue<string>());
        Assert.Equal("inbox", places[kept]);
        Assert.Equal("trash", places[trashed]);
        Assert.Equal("spam", places[spam]);
        Assert.Equal([trashed], Ids(await SearchAsync(owner, "請求", "&place=trash")));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Search_OnlyInboxesTheUserSees_NoRoleFindsNothing(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var seen = await account.CreateInboxAsync();
        var hidden = await account.CreateInboxAsync();
        var owner = await account.SignInOwnerAsync();
        var visible = await ReceiveAsync(app, seen.Id, Mail("seen@search.example", "請求A", "請求"));
        var invisible = await ReceiveAsync(app, hidden.Id, Mail("hidden@search.example", "請求B", "請求"));
        var user = await account.AddActiveUserAsync();
        var client = await app.SignInAsync(user.Email);
        var stranger = await (await app.CreateAccountAsync()).SignInOwnerAsync();

        Assert.Equal(0, (await SearchAsync(client, "請求"))["total"]!.GetValue<int>());
        Assert.Equal(0, (await SearchAsync(stranger, "請求"))["total"]!.GetValue<int>());
        await owner.PutAsJsonAsync($"/api/v1/inboxes/{seen.Id}/roles/{user.Id}", new { role = "assistant" });
        await owner.PutAsJsonAsync($"/api/v1/inboxes/{hidden.Id}/roles/{user.Id}", new { role = "none" });

        Assert.Equal([visible], Ids(await SearchAsync(client, "請求")));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/search?q=請求&inbox={hidden.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/search?q=請求&inbox={seen.Id}")).StatusCode);
        Assert.Equal(2, (await SearchAsync(owner, "請求"))["total"]!.GetValue<int>());
        Assert.Equal([invisible], Ids(await SearchAsync(owner, "請求", $"&inbox={hidden.Id}")));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reprocess_And_Reindex_ReplaceTheIndex_NeverDuplicate_AndRebuildALostIndex(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var owner = await account.SignInOwnerAsync();
        var m = await ReceiveAllAsync(app, inbox.Id);
        await IndexPendingAsync(app);
        var before = await CountsAsync(app);

        await using (var scope = app.Services.CreateAsyncScope())
            Assert.Equal(0, (await scope.ServiceProvider.GetRequiredService<ReprocessMessagesCommand>().HandleAsync(inbox.Id, CancellationToken.None)).Failed);
        Assert.Equal(before, await CountsAsync(app));
        Assert.Equal(S(m.Reissue, m.Wrapped), await IdsAsync(owner, "請求"));

        await app.WithDbAsync(db => db.SearchPostings.ExecuteDeleteAsync());
        Assert.Empty(await IdsAsync(owner, "請求"));
        var reports = new List<ReindexProgress>();
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ReindexCommand>().HandleAsync(null, new Recorder(reports), CancellationToken.None);
        Assert.Equal(before, await CountsAsync(app));
        Assert.Equal(S(m.Reissue, m.Wrapped), await IdsAsync(owner, "請求"));
        Assert.Equal(new ReindexProgress(before.Documents, before.Documents), reports[^1]);

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await scope.ServiceProvider.GetRequiredService<RemoveFromSearchIndexCommand>().HandleAsync([m.Reissue], CancellationToken.None);
            await transaction.CommitAsync();
        }
        Assert.Equal(S(m.Wrapped), await IdsAsync(owner, "請求"));
        Assert.True((await CountsAsync(app)).Postings < before.Postings);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task IndexPending_TwoIndexersAtOnce_IndexEachDocumentOnce_WithEveryPosting(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var owner = await account.SignInOwnerAsync();
        var m = await ReceiveAllAsync(app, inbox.Id);
        var expected = await app.WithDbAsync(async db => (await db.SearchDocuments.Select(d => d.Text).ToListAsync()).Sum(t => SearchText.Grams(t).Count));

        // Two instances' indexers at once (PostgreSQL: each skips the rows the other holds; SQLite: one writer at a time).
        var counts = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => IndexPendingAsync(app))));

        Assert.Equal(8, counts.Sum());
        Assert.Equal(expected, await app.WithDbAsync(db => db.SearchPostings.CountAsync()));
        Assert.Equal(0, await IndexPendingAsync(app));
        await FindsEveryTermAsync(owner, m);
    }

    private static async Task FindsEveryTermAsync(HttpClient owner, Messages m)
    {
        Assert.Equal(S(m.Reissue), await IdsAsync(owner, "再発行"));
        Assert.Equal(S(m.Reissue), await IdsAsync(owner, "株式会社"));
        Assert.Equal(S(m.Widths), await IdsAsync(owner, "ｶﾀｶﾅ"));
        Assert.Equal(S(m.Widths), await IdsAsync(owner, "カタカナ"));
        Assert.Equal(S(m.Widths), await IdsAsync(owner, "abc123"));
        Assert.Equal(S(m.Widths), await IdsAsync(owner, "ＡＢＣ"));
        Assert.Equal(S(m.Reissue, m.English), await IdsAsync(owner, "INVOICE"));
        Assert.Equal(S(m.Reissue, m.English), await IdsAsync(owner, "invo"));
        Assert.Equal(S(m.English), await IdsAsync(owner, "Refund"));
        Assert.Equal(S(m.Reissue), await IdsAsync(owner, "請求 invoice"));
        Assert.Empty(await IdsAsync(owner, "請求 refund"));
        Assert.Equal(S(m.HtmlOnly), await IdsAsync(owner, "見積書"));
        Assert.Equal(S(m.HtmlOnly), await IdsAsync(owner, "quotation"));
        Assert.Equal(S(m.Attachment), await IdsAsync(owner, "領収書"));
        Assert.Equal(S(m.Attachment), await IdsAsync(owner, "has-attachment"));
        Assert.Equal(S(m.Single), await IdsAsync(owner, "猫"));
        Assert.Equal(S(m.Contract), await IdsAsync(owner, "請負"));
        Assert.Equal(S(m.English), await IdsAsync(owner, "tanaka@customer.example"));
        Assert.Equal(S(m.English), await IdsAsync(owner, "田中"));
    }

    private sealed class Recorder(List<ReindexProgress> reports) : IProgress<ReindexProgress>
    {
        public void Report(ReindexProgress value) => reports.Add(value);
    }

    /// <summary>The app without the background indexer: each test decides when postings are written.</summary>
    private static Task<MadoguchiApp> StartAsync(DatabaseProvider provider) =>
        MadoguchiApp.StartAsync(provider, new Dictionary<string, string?> { ["Madoguchi:Search:RunIndexer"] = "false" });

    /// <summary>Writes every pending posting, as the background indexer does; answers how many documents it indexed.</summary>
    internal static async Task<int> IndexPendingAsync(MadoguchiApp app)
    {
        var total = 0;
        int indexed;
        do
        {
            await using var scope = app.Services.CreateAsyncScope();
            indexed = await scope.ServiceProvider.GetRequiredService<IndexPendingPostingsCommand>().HandleAsync(3, CancellationToken.None);
            total += indexed;
        }
        while (indexed > 0);
        return total;
    }

    private static Task<(int Documents, int Postings)> CountsAsync(MadoguchiApp app) =>
        app.WithDbAsync(async db => (await db.SearchDocuments.CountAsync(), await db.SearchPostings.CountAsync()));

    internal sealed record Messages(Guid Reissue, Guid Widths, Guid English, Guid HtmlOnly, Guid Wrapped, Guid Attachment, Guid Single, Guid Contract);

    private static async Task<Messages> ReceiveAllAsync(MadoguchiApp app, Guid inboxId) => new(
        await ReceiveAsync(app, inboxId, Mail("reissue@search.example", "請求書の再発行について",
            "株式会社テストの山田です。\nInvoice #123 を再発行してください。", from: "山田 <yamada@customer.example>", date: "Wed, 02 Apr 2025 10:00:00 +0000")),
        await ReceiveAsync(app, inboxId, Mail("widths@search.example", "お問い合わせ", "半角ｶﾀｶﾅと全角ＡＢＣ１２３です。")),
        await ReceiveAsync(app, inboxId, Mail("english@search.example", "Question", "Please send the invoices for March.\n<script>Refund requested.",
            from: "=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("田中 一郎")) + "?= <tanaka@customer.example>")),
        await ReceiveAsync(app, inboxId, HtmlOnly("html@search.example",
            "<html><head><style>.x{}</style></head><body><p>見積<b>書</b>を添付します</p><div>Quotation attached</div></body></html>")),
        await ReceiveAsync(app, inboxId, Mail("wrapped@search.example", "ご連絡", "先日のご請\n求の件です。", date: "Thu, 03 Apr 2025 10:00:00 +0000")),
        await ReceiveAsync(app, inboxId, WithAttachment("attachment@search.example", "領収書.pdf", "添付します。 has-attachment")),
        await ReceiveAsync(app, inboxId, Mail("single@search.example", "写真", "猫の写真です。")),
        await ReceiveAsync(app, inboxId, Mail("contract@search.example", "契約", "請負契約の件。")));

    private static async Task<Guid> ReceiveAsync(MadoguchiApp app, Guid inboxId, byte[] eml) =>
        (await app.ReceiveAsync(inboxId, eml, new DateTime(2025, 4, 1, 0, 0, 0, DateTimeKind.Utc))).TicketMessageId!.Value;

    private static Task<Guid> TicketOfAsync(MadoguchiApp app, Guid messageId) =>
        app.WithDbAsync(db => db.TicketMessages.Where(x => x.Id == messageId).Select(x => x.TicketId).SingleAsync());

    internal static byte[] Mail(string messageId, string subject, string body, string? header = null, string from = "customer@example.com",
        string date = "Tue, 01 Apr 2025 10:00:00 +0000") =>
        Bytes($"""
            From: {from}
            To: support@example.jp
            Subject: =?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(subject))}?=
            Date: {date}
            Message-ID: <{messageId}>
            {header ?? "X-Test: 1"}
            MIME-Version: 1.0
            Content-Type: text/plain; charset=UTF-8
            Content-Transfer-Encoding: base64

            {Convert.ToBase64String(Encoding.UTF8.GetBytes(body))}
            """);

    private static byte[] HtmlOnly(string messageId, string html) => Bytes($"""
        From: customer@example.com
        To: support@example.jp
        Subject: html
        Date: Tue, 01 Apr 2025 09:00:00 +0000
        Message-ID: <{messageId}>
        MIME-Version: 1.0
        Content-Type: text/html; charset=UTF-8
        Content-Transfer-Encoding: base64

        {Convert.ToBase64String(Encoding.UTF8.GetBytes(html))}
        """);

    private static byte[] WithAttachment(string messageId, string fileName, string body) => Bytes($"""
        From: customer@example.com
        To: support@example.jp
        Subject: file
        Date: Tue, 01 Apr 2025 08:00:00 +0000
        Message-ID: <{messageId}>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b"

        --b
        Content-Type: text/plain; charset=UTF-8
        Content-Transfer-Encoding: base64

        {Convert.ToBase64String(Encoding.UTF8.GetBytes(body))}
        --b
        Content-Type: application/pdf
        Content-Disposition: attachment; filename="=?UTF-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(fileName))}?="
        Content-Transfer-Encoding: base64

        {Convert.ToBase64String(Encoding.ASCII.GetBytes("%PDF-1.4"))}
        --b--
        """);

    private static byte[] Bytes(string eml) => Encoding.UTF8.GetBytes(eml.ReplaceLineEndings("\r\n"));

    internal static async Task<JsonObject> SearchAsync(HttpClient client, string q, string extra = "")
    {
        var response = await client.GetAsync($"/api/v1/search?q={Uri.EscapeDataString(q)}&limit=200{extra}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static async Task<List<Guid>> IdsAsync(HttpClient client, string q, bool sorted = false, string extra = "")
    {
        var ids = Ids(await SearchAsync(client, q, extra));
        return sorted ? ids : [.. ids.Order()];
    }

    private static List<Guid> S(params Guid[] ids) => [.. ids.Order()];

    internal static List<Guid> Ids(JsonObject page) => [.. page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>())];
}
