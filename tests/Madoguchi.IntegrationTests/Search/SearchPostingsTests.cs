using Madoguchi.Core.Data;
using Madoguchi.Core.Search;
using Madoguchi.Core.Tickets;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Search;

/// <summary>The fast paths of search stay exact on both databases: a two-character term is answered by its posting alone
/// (a pending document by its text), a rewritten text takes its old grams out, the total is right whether the page tells it
/// or it is counted (up to a thousand past the page, then said to be a lower bound), and a rebuild from nothing writes every
/// document and posting.</summary>
public sealed class SearchPostingsTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task TwoCharacterTerm_AnsweredByPostingsAlone_PendingByText_RewrittenTextLosesItsOldGrams(DatabaseProvider provider)
    {
        await using var app = await StartWithoutIndexerAsync(provider);
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
        await using var app = await StartWithoutIndexerAsync(provider);
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

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Total_OfAVeryCommonTerm_StopsAThousandPastThePage_AndSaysSo_WhileDeepPagesStayExact(DatabaseProvider provider)
    {
        await using var app = await StartWithoutIndexerAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var owner = await account.SignInOwnerAsync();
        // 1,100 messages with 請求, 40 of them with 領収書 too, stored the way the search benchmark stores them.
        const int count = 1100;
        Assert.Equal(count, await app.WithDbAsync(async db =>
        {
            var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            for (var i = 0; i < count; i++)
            {
                var date = start.AddMinutes(i);
                var ticket = new Ticket { AccountId = account.Id, InboxId = inbox.Id, Subject = $"件名 {i}", MessageCount = 1, CreatedAt = date, LastMessageAt = date };
                db.Add(ticket);
                db.Add(new TicketMessage
                {
                    AccountId = account.Id, TicketId = ticket.Id, InboxId = inbox.Id, MessageIdHeader = $"m{i}@total.example", Subject = $"件名 {i}",
                    Text = i % 27 == 0 ? $"請求書と領収書 {i}" : $"請求書の件 {i}", Date = date, ReceivedAt = date, FromJson = "[]",
                });
            }
            await using var transaction = await db.Database.BeginTransactionAsync();
            await BulkInsert.InsertAddedAsync(db, [typeof(Ticket), typeof(TicketMessage)], CancellationToken.None);
            await transaction.CommitAsync();
            return await db.TicketMessages.CountAsync();
        }));
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.Equal(count, await scope.ServiceProvider.GetRequiredService<ReindexCommand>().HandleAsync(inbox.Id, null, CancellationToken.None));
        if (provider == DatabaseProvider.Postgres)
            // The rebuild leaves PostgreSQL ready to answer from the new index: planner statistics taken for the index and
            // the messages it joins (reltuples is -1 on a table never analyzed) and the postings' pages marked all-visible
            // for index-only scans (relallvisible, set by VACUUM).
            Assert.Equal((count, count, true, true), await app.WithDbAsync(async db => (
                (int)await db.Database.SqlQueryRaw<float>("SELECT reltuples AS \"Value\" FROM pg_class WHERE relname = 'SearchDocuments'").SingleAsync(),
                (int)await db.Database.SqlQueryRaw<float>("SELECT reltuples AS \"Value\" FROM pg_class WHERE relname = 'TicketMessages'").SingleAsync(),
                await db.Database.SqlQueryRaw<float>("SELECT reltuples AS \"Value\" FROM pg_class WHERE relname = 'SearchPostings'").SingleAsync() > count,
                await db.Database.SqlQueryRaw<int>("SELECT relallvisible AS \"Value\" FROM pg_class WHERE relname = 'SearchPostings'").SingleAsync() > 0)));

        var first = await SearchAsync(owner, "請求", "&limit=50");
        Assert.Equal(50, SearchTests.Ids(first).Count);
        Assert.Equal(50 + SearchMessagesQuery.CountPastPage, Total(first));
        Assert.True(first["totalIsLowerBound"]!.GetValue<bool>());
        // Past the first thousand the count reaches the end: exact again, as is a page that ends the matches.
        var deep = await SearchAsync(owner, "請求", "&offset=1000&limit=50");
        Assert.Equal((count, false), (Total(deep), deep["totalIsLowerBound"]!.GetValue<bool>()));
        var last = await SearchAsync(owner, "請求", "&offset=1080&limit=50");
        Assert.Equal((20, count, false), (SearchTests.Ids(last).Count, Total(last), last["totalIsLowerBound"]!.GetValue<bool>()));
        // A term with fewer matches than the cap is counted exactly.
        var rarer = await SearchAsync(owner, "領収書", "&limit=10");
        Assert.Equal((41, false), (Total(rarer), rarer["totalIsLowerBound"]!.GetValue<bool>()));
    }

    /// <summary>A batch whose postings take many statements (each database's statement size crossed more than once, the
    /// two documents' postings interleaved by the sort) writes every posting of each document once.</summary>
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Batch_SpanningManyStatements_WritesEveryPostingOfEachDocument(DatabaseProvider provider)
    {
        await using var app = await StartWithoutIndexerAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var owner = await account.SignInOwnerAsync();
        var random = new Random(7);
        var bodies = new[] { RandomKanji(random, 13_000), RandomKanji(random, 9_000) };
        var ids = new[] { await ReceiveAsync(app, inbox.Id, "long-1@search.example", bodies[0]), await ReceiveAsync(app, inbox.Id, "long-2@search.example", bodies[1]) };
        Assert.Equal(2, await SearchTests.IndexPendingAsync(app));

        var documents = await app.WithDbAsync(db => db.SearchDocuments.AsNoTracking().Where(d => ids.Contains(d.MessageId)).ToListAsync());
        var expected = documents.Sum(d => SearchText.Grams(d.Text).Count);
        Assert.True(expected > 2 * SearchIndexWriter.NpgsqlPostingsPerStatement, $"{expected} postings");
        foreach (var document in documents)
        {
            var written = await app.WithDbAsync(db => db.SearchPostings.CountAsync(p => p.DocumentKey == document.Key));
            Assert.Equal(SearchText.Grams(document.Text).Count, written);
        }
        // Two-character terms, answered by the postings alone, from the start, middle and end of each body.
        for (var i = 0; i < 2; i++)
        {
            foreach (var at in new[] { 0, bodies[i].Length / 2, bodies[i].Length - 2 })
                Assert.Contains(ids[i], SearchTests.Ids(await SearchTests.SearchAsync(owner, bodies[i].Substring(at, 2))));
        }
    }

    /// <summary>Kanji at random: nearly every neighbouring pair is a gram of its own.</summary>
    private static string RandomKanji(Random random, int length) =>
        string.Create(length, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = (char)r.Next(0x4E00, 0x9FA0);
        });

    /// <summary>The tests write postings themselves (IndexPendingAsync), so no background indexer races them.</summary>
    private static Task<MadoguchiApp> StartWithoutIndexerAsync(DatabaseProvider provider) =>
        MadoguchiApp.StartAsync(provider, new Dictionary<string, string?> { ["Madoguchi:Search:RunIndexer"] = "false" });

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
