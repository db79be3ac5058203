using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Search;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.Labels;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Madoguchi.IntegrationTests.Search;

/// <summary>A search sorted by date is answered two ways: by reading the messages newest first and checking each
/// (<see cref="NewestMatchesWalk"/>), or by gathering every match from the postings. Both give the same pages, in the same
/// order, on both databases, for every kind of term, filter and page, with dates tied across the walk's chunks, documents
/// still waiting for their postings among them, a budget that cuts the walk's chunks to what the page needs, and one that
/// makes the walk give up half way. The postings read a
/// rare token from its rarest gram (<see cref="PostingCandidates"/>).</summary>
public sealed class SearchWalkTests
{
    private const int Count = 700;

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Walk_AndPostings_GiveTheSamePages_ForEveryTermFilterAndOffset(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, new Dictionary<string, string?> { ["Madoguchi:Search:RunIndexer"] = "false" });
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var other = await account.CreateInboxAsync();
        var label = Guid.Empty;
        var texts = await app.WithDbAsync(async db =>
        {
            var l = new Label { AccountId = account.Id, InboxId = inbox.Id, Name = "請求書", Color = "#336699" };
            db.Add(l);
            label = l.Id;
            var start = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
            var random = new Random(11);
            var texts = new Dictionary<Guid, string>();
            // Dates in a shuffled order (document keys follow the insert order, not the date), three messages a minute.
            foreach (var i in Enumerable.Range(0, Count).OrderBy(_ => random.Next()))
            {
                var date = start.AddMinutes(i / 3);
                var text = string.Join(' ', new[]
                {
                    i % 3 == 0 ? "ご請求の件" : "お問い合わせ", i % 7 == 0 ? "再発行をお願いします" : "", i % 5 == 0 ? "Invoice attached" : "",
                    i % 97 == 0 ? "特別なご依頼" : "", $"REF-{i:0000000}",
                });
                var ticket = new Ticket
                {
                    AccountId = account.Id, InboxId = i % 11 == 0 ? other.Id : inbox.Id, Subject = $"件名 {i}", MessageCount = 1, CreatedAt = date, LastMessageAt = date,
                    Place = i % 10 == 0 ? TicketPlace.Trash : i % 13 == 0 ? TicketPlace.Spam : TicketPlace.Inbox,
                    Status = (TicketStatus)(i % 4), AssigneeId = i % 6 == 0 ? account.Owner.Id : null,
                };
                var message = new TicketMessage
                {
                    AccountId = account.Id, TicketId = ticket.Id, InboxId = ticket.InboxId, MessageIdHeader = $"w{i}@walk.example", Subject = ticket.Subject,
                    Text = text, Date = date, ReceivedAt = date, FromJson = "[]",
                };
                db.AddRange(ticket, message);
                if (i % 4 == 1)
                    db.Add(new TicketAttachment { TicketMessageId = message.Id, FileName = "a.pdf", ContentType = "application/pdf", Size = 1, BlobHash = "00" });
                if (i % 8 == 3 && ticket.InboxId == inbox.Id)
                    db.Add(new TicketLabel { TicketId = ticket.Id, LabelId = l.Id });
                texts[message.Id] = text;
            }
            await using var transaction = await db.Database.BeginTransactionAsync();
            await BulkInsert.InsertAddedAsync(db, [typeof(Ticket), typeof(TicketMessage)], CancellationToken.None);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
            return texts;
        });
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ReindexCommand>().HandleAsync(null, null, CancellationToken.None);
        // A tenth of the documents waiting for their postings again, as behind a busy indexer: their text decides.
        await app.WithDbAsync(async db =>
        {
            var keys = await db.SearchDocuments.OrderBy(d => d.MessageId).Select(d => d.Key).ToListAsync();
            var waiting = keys.Where((_, n) => n % 10 == 4).ToList();
            await db.SearchPostings.Where(p => waiting.Contains(p.DocumentKey)).ExecuteDeleteAsync();
            return await db.SearchDocuments.Where(d => waiting.Contains(d.Key))
                .ExecuteUpdateAsync(u => u.SetProperty(d => d.PostingsPendingSince, DateTime.UtcNow));
        });

        var owner = new Actor(ActorKind.User, account.Owner.Id, account.Id, "owner", null);
        var requests = new List<SearchRequest>();
        foreach (var q in new[] { "請求", "再発行", "invoice", "請求 invoice", "特別", "REF-0000042", "REF-00001", "件", "no-such-word" })
        {
            requests.Add(new SearchRequest(q));
            requests.Add(new SearchRequest(q, IncludeTrashAndSpam: true));
        }
        requests.AddRange([
            new SearchRequest("請求", InboxId: inbox.Id), new SearchRequest("請求", Status: TicketStatus.Closed),
            new SearchRequest("請求", Place: TicketPlace.Trash), new SearchRequest("請求", From: new DateTime(2026, 3, 1, 1, 0, 0, DateTimeKind.Utc), To: new DateTime(2026, 3, 1, 2, 0, 0, DateTimeKind.Utc)),
            new SearchRequest("請求", HasAttachment: true), new SearchRequest("invoice", HasAttachment: false), new SearchRequest("請求", Assignee: "me"),
            new SearchRequest("請求", Assignee: "none"), new SearchRequest("請求", LabelId: label),
        ]);

        var checkedPages = 0;
        foreach (var request in requests)
        {
            // The whole answer from the postings alone, checked against the text of every message.
            var whole = await SearchAsync(app, owner, request with { Page = new PageRequest(0, Count) }, walk: 0);
            var terms = SearchText.Terms(request.Query);
            Assert.All(whole.Items, hit => Assert.True(terms.All(t => SearchText.Fold(texts[hit.Id] + " " + hit.Subject).Contains(t, StringComparison.Ordinal)), request.Query));
            Assert.Equal(whole.Items.Count, whole.Total);
            Assert.Equal(whole.Items.OrderByDescending(h => h.Date).Select(h => h.Date), whole.Items.Select(h => h.Date));
            var unfiltered = request with { InboxId = null, Status = null, Place = null, From = null, To = null, HasAttachment = null, Assignee = null, LabelId = null };
            if (unfiltered == request && request.IncludeTrashAndSpam)
            {
                var expected = texts.Where(t => terms.All(term => SearchText.Fold(t.Value).Contains(term, StringComparison.Ordinal))).Select(t => t.Key).ToHashSet();
                var found = whole.Items.Select(h => h.Id).ToHashSet();
                Assert.True(expected.IsSubsetOf(found), $"{request.Query}: {expected.Count} expected, {found.Count} found, {expected.Except(found).Count()} missed");
            }

            // 1,000: the walk's chunk is cut to what the page still needs (invoice, a match in five: 200, then 300, not 400).
            foreach (var walk in new[] { 4000, 1000, 300, 60 })
            {
                foreach (var offset in new[] { 0, 50, 150, 250, whole.Total - 10 })
                {
                    if (offset < 0)
                        continue;
                    var page = await SearchAsync(app, owner, request with { Page = new PageRequest(offset, 50) }, walk);
                    var label2 = $"{request} walk {walk} offset {offset}";
                    Assert.True(whole.Items.Skip(offset).Take(50).Select(h => h.Id).SequenceEqual(page.Items.Select(h => h.Id)), label2);
                    if (page.TotalIsLowerBound)
                        Assert.InRange(page.Total, offset + page.Items.Count, whole.Total);
                    else
                        Assert.Equal(whole.Total, page.Total);
                    checkedPages++;
                }
            }
        }
        Assert.True(checkedPages > 300, $"{checkedPages} pages");

        // The walk did answer (a budget too small to count every match says "at least"); the postings count to the end.
        var common = new SearchRequest("請求", IncludeTrashAndSpam: true, Page: new PageRequest(0, 50));
        var walked = await SearchAsync(app, owner, common, walk: 300);
        var counted = await SearchAsync(app, owner, common, walk: 0);
        Assert.Equal((true, false, Count / 3 + 1), (walked.TotalIsLowerBound, counted.TotalIsLowerBound, counted.Total));
        Assert.InRange(walked.Total, 50, 150);

        // The postings choose their way per term: a token whose grams are each common but rarely together is read from
        // its rarest gram and looked up in the others (REF-…: every message has ref, ef, f-, -0, 00); a word whose grams
        // always come together (invoice) groups all their postings. Both answers were checked above.
        var sql = await app.WithDbAsync(async db => (
            (await new PostingCandidates(db).DocumentsAsync(["ref-0000042"], account.Id, CancellationToken.None)).ToQueryString(),
            (await new PostingCandidates(db).DocumentsAsync(["invoice"], account.Id, CancellationToken.None)).ToQueryString()));
        Assert.Contains("EXISTS", sql.Item1, StringComparison.Ordinal);
        Assert.DoesNotContain("GROUP BY", sql.Item1, StringComparison.Ordinal);
        Assert.Contains("GROUP BY", sql.Item2, StringComparison.Ordinal);
    }

    private static Task<SearchResultPage> SearchAsync(MadoguchiApp app, Actor actor, SearchRequest request, int walk) => app.WithDbAsync(async db =>
    {
        var query = new SearchMessagesQuery(db, Options.Create(new SearchIndexOptions { WalkMessages = walk }));
        var result = await query.HandleAsync(actor, request, CancellationToken.None);
        Assert.True(result.Succeeded, request.ToString());
        return result.Value!;
    });
}
