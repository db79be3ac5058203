using Madoguchi.Core.Data;
using Madoguchi.Core.Search;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Search;

/// <summary>The fast paths of search stay exact on both databases: a two-character term is answered by its posting alone
/// (a pending document by its text), a rewritten text takes its old grams out, the total is right whether the page tells it
/// or it is counted, and a rebuild from nothing writes every document and posting.</summary>
public sealed class SearchPostingsTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task TwoCharacterTerm_AnsweredByPostingsAlone_PendingByText_RewrittenTextLosesItsOldGrams(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, new Dictionary<string, string?> { ["Madoguchi:Search:RunIndexer"] = "false" });
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var owner = await account.SignInOwnerAsync();
        var invoice = await ReceiveAsync(app, inbox.Id, "p-invoice@search.example", "請求書をお送りします。");
        var contract = await ReceiveAsync(app, inbox.Id, "p-contract@search.example", "請負契約と要求事項。");
        await SearchTests.IndexPendingAsync(app);

        // The indexed document's text no longer says 請求, but its posting does: the two-character term reads no text
        // (the three-character one still checks it). Only a test can make text and postings disagree like this.
        await app.WithDbAsync(db => db.SearchDocuments.Where(d => d.MessageId == invoice).ExecuteUpdateAsync(u => u.SetProperty(d => d.Text, "x")));
        Assert.Equal([invoice], SearchTests.Ids(await SearchTests.SearchAsync(owner, "請求")));
        Assert.Empty(SearchTests.Ids(await SearchTests.SearchAsync(owner, "請求書")));

        // A document still waiting for its postings is checked against its text: found when it holds the term, and only then.
        var pending = await ReceiveAsync(app, inbox.Id, "p-pending@search.example", "ご請求の件です。");
        await ReceiveAsync(app, inbox.Id, "p-apart@search.example", "請け負った要求。");
        Assert.Equal(S(invoice, pending), S([.. SearchTests.Ids(await SearchTests.SearchAsync(owner, "請求"))]));
        Assert.Equal([contract], SearchTests.Ids(await SearchTests.SearchAsync(owner, "請負")));

        // Rewriting an indexed document (the pipeline re-run on a changed body) deletes the grams its new text lacks.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var message = await db.TicketMessages.AsNoTracking().SingleAsync(m => m.Id == contract);
            message.Text = "別の本文です。";
            await scope.ServiceProvider.GetRequiredService<SearchIndexWriter>().WriteAsync(message, [], mayExist: true, CancellationToken.None);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
        await SearchTests.IndexPendingAsync(app);
        Assert.Empty(SearchTests.Ids(await SearchTests.SearchAsync(owner, "請負")));
        Assert.Equal([contract], SearchTests.Ids(await SearchTests.SearchAsync(owner, "本文")));
        Assert.Equal([pending], SearchTests.Ids(await SearchTests.SearchAsync(owner, "ご請")));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Total_CountsEveryMatch_WhetherThePageEndsTheMatchesOrNot_AndARebuildFromNothingFindsTheSame(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, new Dictionary<string, string?> { ["Madoguchi:Search:RunIndexer"] = "false" });
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var owner = await account.SignInOwnerAsync();
        for (var i = 0; i < 3; i++)
            await ReceiveAsync(app, inbox.Id, $"t{i}@search.example", $"再発行の件 {i}");
        await SearchTests.IndexPendingAsync(app);
        var counts = await CountsAsync(app);

        foreach (var q in new[] { "再発", "再発行" })
        {
            Assert.Equal(3, Total(await SearchTests.SearchAsync(owner, q)));
            Assert.Equal(3, Total(await SearchAsync(owner, q, "&limit=1")));
            Assert.Equal(3, Total(await SearchAsync(owner, q, "&offset=2&limit=1")));
            var past = await SearchAsync(owner, q, "&offset=5&limit=1");
            Assert.Empty(SearchTests.Ids(past));
            Assert.Equal(3, Total(past));
        }

        // Documents and postings lost: the rebuild writes them all again, already indexed (nothing left pending).
        await app.WithDbAsync(async db => await db.SearchPostings.ExecuteDeleteAsync() + await db.SearchDocuments.ExecuteDeleteAsync());
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.Equal(3, await scope.ServiceProvider.GetRequiredService<ReindexCommand>().HandleAsync(inbox.Id, null, CancellationToken.None));
        Assert.Equal(counts, await CountsAsync(app));
        Assert.Equal(0, await app.WithDbAsync(db => db.SearchDocuments.CountAsync(d => d.PostingsPendingSince != null)));
        Assert.Equal(3, Total(await SearchAsync(owner, "再発", "&limit=2")));
    }

    private static async Task<Guid> ReceiveAsync(MadoguchiApp app, Guid inboxId, string messageId, string body) =>
        (await app.ReceiveAsync(inboxId, SearchTests.Mail(messageId, "件名", body))).TicketMessageId!.Value;

    private static Task<(int Documents, int Postings)> CountsAsync(MadoguchiApp app) =>
        app.WithDbAsync(async db => (await db.SearchDocuments.CountAsync(), await db.SearchPostings.CountAsync()));

    private static async Task<System.Text.Json.Nodes.JsonObject> SearchAsync(HttpClient client, string q, string paging)
    {
        var response = await client.GetAsync($"/api/v1/search?q={Uri.EscapeDataString(q)}{paging}");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>(response.Content))!;
    }

    private static int Total(System.Text.Json.Nodes.JsonObject page) => page["total"]!.GetValue<int>();

    private static List<Guid> S(params Guid[] ids) => [.. ids.Order()];
}
