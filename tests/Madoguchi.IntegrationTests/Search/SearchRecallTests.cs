using System.Text;
using System.Text.Json;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Parsing;
using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Search;
using Madoguchi.IntegrationTests.Receiving;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Madoguchi.IntegrationTests.Search;

/// <summary>Recall 100% on a realistic mailbox: 2,000 generated messages (ISO-2022-JP, Shift_JIS, UTF-8, base64, QP,
/// HTML-only, attachments) imported through the real pipeline; for several hundred terms (the generator's keywords with
/// their manifest counts, every two-character piece of them, each message's REF token, random two- and three-character
/// pieces of the messages, English prefixes, mixed AND queries) the result set equals a brute-force scan of every message.</summary>
[LongRunning]
public sealed class SearchRecallTests(ITestOutputHelper output)
{
    private const int Count = 2000;

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Search_Generated2000Messages_EveryTermFindsExactlyTheMessagesContainingIt(DatabaseProvider provider)
    {
        if (Testing.SharedFolder.Find("tools", "gen-mailbox.py") is null)
        {
            output.WriteLine("Skipped: ../shared/tools/gen-mailbox.py is not here, so there is no manifest to check recall against.");
            return;
        }
        var mailbox = await TestMailbox.GetAsync(Count);
        var folder = Path.Combine(Path.GetTempPath(), $"madoguchi-mailbox-{Count}-{Environment.ProcessId}");
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "manifest-summary.json")));
        var manifest = File.ReadLines(Path.Combine(folder, "manifest.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var app = await MadoguchiApp.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Madoguchi:InboundPipeline:RunWorker"] = "false",
            ["Madoguchi:Search:RunIndexer"] = "false",
        });
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        foreach (var message in mailbox.Messages)
            await app.StoreOriginalAsync(inbox.Id, message);
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.Equal(0, (await scope.ServiceProvider.GetRequiredService<ProcessPendingMessagesCommand>().HandleAsync(CancellationToken.None)).Failed);
        // Every posting written (as the background indexer does), so that the postings, not the pending scan, answer.
        Assert.Equal(Count, await SearchTests.IndexPendingAsync(app));

        var importTime = clock.Elapsed;
        // The brute force: every stored message's searchable parts, folded two independent ways.
        var stored = await app.WithDbAsync(db => db.TicketMessages.AsNoTracking().Include(m => m.Attachments).ToListAsync());
        Assert.Equal(Count, stored.Count);
        var scan = stored.Select(m => (m.Id, m.MessageIdHeader, Parts: Parts(m))).ToList();
        var exact = scan.ToDictionary(s => s.Id, s => string.Join(' ', s.Parts.Select(SearchText.Fold)));
        var plain = scan.ToDictionary(s => s.Id, s => string.Join('\n', s.Parts).Normalize(NormalizationForm.FormKC).ToLowerInvariant());
        var squeezed = plain.ToDictionary(p => p.Key, p => string.Concat(p.Value.Where(c => !char.IsWhiteSpace(c))));
        var idOf = scan.ToDictionary(s => s.MessageIdHeader, s => s.Id, StringComparer.Ordinal);

        var keywords = summary.RootElement.GetProperty("keyword_doc_freq").EnumerateObject().Select(p => (p.Name, Expected: p.Value.GetInt32())).ToList();
        var terms = new List<string>(keywords.Select(k => k.Name));
        terms.AddRange(keywords.Where(k => k.Name.Length > 2 && k.Name[0] > 0x7F).SelectMany(k => Enumerable.Range(0, k.Name.Length - 1).Select(i => k.Name.Substring(i, 2))));
        terms.AddRange(["inv", "refu", "passw", "請求", "再発行", "株式会社", "お問い合わせ", "ｶﾀｶﾅ", "ＰＡＳＳＷＯＲＤ", "請求 invoice", "返品 refund", "Re:", "example"]);
        var random = new Random(7);
        var texts = exact.Values.Where(t => t.Length > 10).ToList();
        while (terms.Count < 250)
        {
            var text = texts[random.Next(texts.Count)];
            var length = random.Next(2, 4);
            var at = random.Next(text.Length - length);
            var piece = text.Substring(at, length);
            if (!piece.Contains(' ', StringComparison.Ordinal) && !char.IsSurrogate(piece[0]) && !char.IsSurrogate(piece[^1]))
                terms.Add(piece);
        }

        clock.Restart();
        var actor = new Actor(ActorKind.User, account.Owner.Id, account.Id, "owner", null);
        var failures = new List<string>();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // Both ways of answering: the product's (a page this large is read by walking every message newest first) and
            // the postings alone (as rare words and relevance order are answered), which must agree on every term.
            var walking = scope.ServiceProvider.GetRequiredService<SearchMessagesQuery>();
            var postings = new SearchMessagesQuery(scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>(),
                Microsoft.Extensions.Options.Options.Create(new SearchIndexOptions { WalkMessages = 0 }));
            async Task<HashSet<Guid>> FoundAsync(string q)
            {
                var found = new List<HashSet<Guid>>();
                foreach (var query in new[] { walking, postings })
                {
                    var result = await query.HandleAsync(actor, new SearchRequest(q, IncludeTrashAndSpam: true, Page: new PageRequest(0, Count + 1)), CancellationToken.None);
                    Assert.True(result.Succeeded, q);
                    Assert.Equal(result.Value!.Total, result.Value.Items.Count);
                    found.Add([.. result.Value.Items.Select(i => i.Id)]);
                }
                if (!found[0].SetEquals(found[1]))
                    failures.Add($"{q}: the walk found {found[0].Count}, the postings {found[1].Count}");
                return found[1];
            }

            var results = new Dictionary<string, HashSet<Guid>>(StringComparer.Ordinal);
            foreach (var term in terms.Distinct(StringComparer.Ordinal))
            {
                var found = results[term] = await FoundAsync(term);
                var parts = SearchText.Terms(term);
                var expected = exact.Where(e => parts.All(p => e.Value.Contains(p, StringComparison.Ordinal))).Select(e => e.Key).ToHashSet();
                var atLeast = plain.Where(e => parts.All(p => e.Value.Contains(p, StringComparison.Ordinal))).Select(e => e.Key).ToHashSet();
                var atMost = squeezed.Where(e => parts.All(p => e.Value.Contains(p, StringComparison.Ordinal))).Select(e => e.Key).ToHashSet();
                if (!found.SetEquals(expected) || !atLeast.IsSubsetOf(found) || !found.IsSubsetOf(atMost))
                    failures.Add($"{term}: found {found.Count}, scan {expected.Count}, plain scan {atLeast.Count}, without spaces {atMost.Count}");
            }
            // The generator's truth: messages whose decoded subject or text contain the keyword.
            foreach (var (word, expectedCount) in keywords)
            {
                var found = results[word].Count;
                if (found < expectedCount)
                    failures.Add($"{word}: found {found}, the manifest says {expectedCount} messages contain it");
            }
            // Each message's REF token finds that message.
            foreach (var entry in manifest.Where((_, i) => i % 40 == 0))
            {
                var token = entry.GetProperty("token").GetString()!;
                var id = idOf[entry.GetProperty("message_id").GetString()!.Trim('<', '>')];
                if (!(await FoundAsync(token)).Contains(id))
                    failures.Add($"{token}: its message {id} not found");
            }
        }
        output.WriteLine($"{provider}: {terms.Distinct(StringComparer.Ordinal).Count()} terms, {keywords.Count} keywords, {manifest.Count / 40} tokens; import {importTime.TotalSeconds:0.0} s, queries {clock.Elapsed.TotalSeconds:0.0} s; misses: {failures.Count}");
        Assert.Empty(failures);
    }

    private static List<string> Parts(Core.Tickets.TicketMessage m)
    {
        var parts = new List<string> { m.Subject };
        foreach (var json in new[] { m.FromJson, m.ToJson, m.CcJson })
            parts.AddRange((JsonSerializer.Deserialize<List<ParsedAddress>>(json) ?? []).Select(a => a.Name + " " + a.Address));
        parts.AddRange(m.Attachments.Select(a => a.FileName));
        parts.Add(m.Text ?? "");
        if (m.Html is not null)
            parts.Add(HtmlText.ToPlainText(m.Html));
        return parts;
    }
}
