using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using MimeKit.Utils;
using Xunit.Abstractions;

namespace Madoguchi.IntegrationTests.Receiving;

/// <summary>A first import threads exactly as receiving the same messages one by one in server order would: a message
/// joins a ticket only through In-Reply-To/References naming a Message-ID received before it (earlier in server order),
/// whatever the transaction size or the parsing parallelism, on every run.</summary>
[LongRunning]
public sealed class ThreadingImportTests(DovecotFixture dovecot, ITestOutputHelper output) : IClassFixture<DovecotFixture>
{
    private const int Count = 2000;

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task FirstImport_2000Messages_TicketsAreThoseOfOneByOneInServerOrder(DatabaseProvider provider)
    {
        var mailbox = await TestMailbox.GetAsync(Count);
        output.WriteLine($"Mailbox: {Count} messages from {mailbox.Source}" +
            (mailbox.Source == "gen-mailbox.py" ? "." : " (../shared/tools/gen-mailbox.py not found: using the built-in mailbox)."));
        var expected = ExpectedThreads(mailbox.Messages);
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverManyAsync(user.Name, mailbox.Messages);
        var settings = ReceivingScenario.Settings(batchSize: 250);
        settings["Madoguchi:InboundPipeline:RunWorker"] = "false";
        await using var imap = await ReceivingScenario.StartAsync(provider, settings);
        var pop3 = await ReceivingScenario.OnAsync(imap.App);
        await imap.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user));
        await pop3.AddServerAsync(ReceivingScenario.Pop3(dovecot.Server, user));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(Count, (await imap.FetchNowAsync()).GetProperty("stored").GetInt32());
        Assert.Equal(Count, (await pop3.FetchNowAsync()).GetProperty("stored").GetInt32());
        var timings = new List<string> { $"fetch IMAP + POP3 {clock.Elapsed.TotalSeconds:0.0} s" };
        clock.Restart();
        await RunPipelineAsync(imap.App);
        timings.Add($"pipeline 250 {clock.Elapsed.TotalSeconds:0.0} s");
        var results = new List<string>
        {
            $"IMAP 250/all cores: {await WronglyThreadedAsync(imap, expected)}",
            $"POP3 250/all cores: {await WronglyThreadedAsync(pop3, expected)}",
        };

        // The same originals again from scratch (tickets gone, originals waiting), with other transaction sizes and
        // parallelism (250 with all cores was the first run), through an instance configured for each.
        foreach (var (size, parallelism) in new[] { (1, 2), (7, 1) })
        {
            await ForgetTicketsAsync(imap);
            await using var other = await MadoguchiApp.StartBesideAsync(imap.App, new Dictionary<string, string?>
            {
                ["Madoguchi:Receiving:WorkerEnabled"] = "false",
                ["Madoguchi:InboundPipeline:RunWorker"] = "false",
                ["Madoguchi:InboundPipeline:TransactionSize"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Madoguchi:InboundPipeline:ParseParallelism"] = parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            clock.Restart();
            await RunPipelineAsync(other);
            timings.Add($"pipeline {size} {clock.Elapsed.TotalSeconds:0.0} s");
            results.Add($"IMAP {size}/{parallelism} cores: {await WronglyThreadedAsync(imap, expected)}");
        }

        output.WriteLine($"{provider}: {string.Join(", ", timings)}");
        output.WriteLine($"{provider}: messages not in their expected ticket (transaction size/parallelism): {string.Join(", ", results)}");
        Assert.All(results, r => Assert.EndsWith(": 0", r, StringComparison.Ordinal));
    }

    private static async Task RunPipelineAsync(MadoguchiApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var counts = await scope.ServiceProvider.GetRequiredService<ProcessPendingMessagesCommand>().HandleAsync(CancellationToken.None);
        Assert.Equal(0, counts.Failed);
    }

    /// <summary>Deletes the inbox's tickets and marks its originals waiting, as before the first pipeline run.</summary>
    private static Task ForgetTicketsAsync(ReceivingScenario scenario) => scenario.App.WithDbAsync(async db =>
    {
        await db.TicketAttachments.Where(a => db.TicketMessages.Any(m => m.Id == a.TicketMessageId && m.InboxId == scenario.InboxId)).ExecuteDeleteAsync();
        await db.TicketMessages.Where(m => m.InboxId == scenario.InboxId).ExecuteDeleteAsync();
        await db.Tickets.Where(t => t.InboxId == scenario.InboxId).ExecuteDeleteAsync();
        return await db.RawMessages.Where(r => r.InboxId == scenario.InboxId)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.ProcessedAt, (DateTime?)null));
    });

    /// <summary>How many messages are not in the ticket of their expected thread, plus how many expected threads are
    /// not one ticket each (0 when the grouping is exactly the expected one).</summary>
    private static async Task<int> WronglyThreadedAsync(ReceivingScenario scenario, Dictionary<string, string> expected)
    {
        var stored = await scenario.App.WithDbAsync(db => db.TicketMessages.AsNoTracking().Where(m => m.InboxId == scenario.InboxId)
            .Select(m => new { m.MessageIdHeader, m.TicketId }).ToListAsync());
        Assert.Equal(expected.Count, stored.Count);
        var ticketOf = stored.ToDictionary(m => m.MessageIdHeader, m => m.TicketId, StringComparer.Ordinal);
        var wrong = expected.Count(e => ticketOf[e.Key] != ticketOf[e.Value]);
        var tickets = ticketOf.Values.Distinct().Count();
        var threads = expected.Values.Distinct(StringComparer.Ordinal).Count();
        return wrong + Math.Abs(tickets - threads);
    }

    /// <summary>The rule, applied to the headers alone in server order: each message's thread is the thread of the first
    /// of In-Reply-To, then References newest first, that names a message received before it; else a thread of its own.
    /// Answers Message-ID → the Message-ID of its thread's first message.</summary>
    internal static Dictionary<string, string> ExpectedThreads(IReadOnlyList<byte[]> serverOrder)
    {
        var root = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in serverOrder)
        {
            using var stream = new MemoryStream(raw);
            var headers = HeaderList.Load(stream);
            var id = MimeUtils.EnumerateReferences(headers[HeaderId.MessageId] ?? "").First();
            var candidates = MimeUtils.EnumerateReferences(headers[HeaderId.InReplyTo] ?? "").Take(1)
                .Concat(MimeUtils.EnumerateReferences(headers[HeaderId.References] ?? "").Reverse());
            var parent = candidates.FirstOrDefault(c => c != id && root.ContainsKey(c));
            root.TryAdd(id, parent is null ? id : root[parent]);
        }
        return root;
    }
}
