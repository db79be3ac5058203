using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Receiving.Storage;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Madoguchi.Testing.App.InboundMail;

namespace Madoguchi.IntegrationTests.Tickets;

/// <summary>Volume checks: the pipeline keeps up with 10,000 originals and lists stay instant at 100,000 tickets. They assert
/// correctness only and print their timings (benchmarks never gate on time).</summary>
[LongRunning]
public sealed class PipelineThroughputTests(ITestOutputHelper output)
{
    private const int Originals = 10_000;
    private const int ListedTickets = 100_000;

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Pipeline_TenThousandOriginals_AllProcessedHalfThreaded(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, new Dictionary<string, string?> { ["Madoguchi:InboundPipeline:RunWorker"] = "false" });
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var start = DateTime.UtcNow;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var blobs = scope.ServiceProvider.GetRequiredService<IBlobStore>();
            var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
            for (var i = 0; i < Originals; i++)
            {
                // Every odd message replies to the one before it.
                var eml = Eml($"m{i}@customer.example", subject: $"件名 {i / 2}", body: $"本文 {i}",
                    inReplyTo: i % 2 == 1 ? $"m{i - 1}@customer.example" : null);
                var blob = await blobs.PutAsync(Encoding.UTF8.GetBytes(eml), CancellationToken.None);
                db.RawMessages.Add(new RawMessage { AccountId = account.Id, InboxId = inbox.Id, BlobHash = blob.Hash, Size = blob.Size, ReceivedAt = start.AddMilliseconds(i) });
            }
            await db.SaveChangesAsync();
        }

        var clock = Stopwatch.StartNew();
        PipelineRunCounts counts;
        await using (var scope = app.Services.CreateAsyncScope())
            counts = await scope.ServiceProvider.GetRequiredService<ProcessPendingMessagesCommand>().HandleAsync(CancellationToken.None);
        clock.Stop();

        output.WriteLine($"{provider}: {Originals} originals through the pipeline in {clock.Elapsed.TotalSeconds:0.0} s ({Originals / clock.Elapsed.TotalSeconds:0} messages/s) on {Environment.ProcessorCount} cores.");
        Assert.Equal(new PipelineRunCounts(Originals, Originals, 0, 0), counts);
        var (tickets, messages) = await app.WithDbAsync(async db => (
            await db.Tickets.CountAsync(t => t.InboxId == inbox.Id && t.MessageCount == 2),
            await db.TicketMessages.CountAsync(m => m.InboxId == inbox.Id)));
        Assert.Equal(Originals / 2, tickets);
        Assert.Equal(Originals, messages);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ListTickets_HundredThousandInInbox_FirstAndLastPagesCorrect(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await app.WithDbAsync(async db =>
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = 0; i < ListedTickets; i++)
            {
                db.Tickets.Add(new Ticket
                {
                    AccountId = account.Id, InboxId = inbox.Id, Subject = $"件名 {i}", MessageCount = 1,
                    Status = (TicketStatus)(i % 4), Place = TicketPlace.Inbox,
                    LastMessageAt = start.AddMinutes(i), CreatedAt = start.AddMinutes(i), FromAddress = $"c{i}@example.com",
                });
                if (i % 10_000 == 9_999)
                {
                    await db.SaveChangesAsync();
                    db.ChangeTracker.Clear();
                }
            }
            return 0;
        });
        var client = await account.SignInOwnerAsync();
        await client.GetAsync($"/api/v1/tickets?inbox={inbox.Id}&status=open&limit=1"); // warm-up

        var timings = new List<string>();
        async Task<JsonObject> Timed(string url)
        {
            var clock = Stopwatch.StartNew();
            var page = (await client.GetFromJsonAsync<JsonObject>(url))!;
            timings.Add($"{url[(url.IndexOf('&', StringComparison.Ordinal) + 1)..]} {clock.Elapsed.TotalMilliseconds:0} ms");
            return page;
        }
        var first = await Timed($"/api/v1/tickets?inbox={inbox.Id}&status=open&limit=50");
        var last = await Timed($"/api/v1/tickets?inbox={inbox.Id}&status=open&limit=50&offset={ListedTickets / 4 - 50}");
        var all = await Timed($"/api/v1/tickets?inbox={inbox.Id}&limit=50&offset=50000");

        output.WriteLine($"{provider}: {ListedTickets} tickets in one inbox: " + string.Join(", ", timings));
        Assert.Equal(ListedTickets / 4, first["total"]!.GetValue<int>());
        Assert.Equal($"件名 {ListedTickets - 4}", first["items"]![0]!["subject"]!.GetValue<string>());
        Assert.Equal("件名 0", last["items"]![49]!["subject"]!.GetValue<string>());
        Assert.Equal(ListedTickets, all["total"]!.GetValue<int>());
        Assert.Equal($"件名 {ListedTickets - 1 - 50_000}", all["items"]![0]!["subject"]!.GetValue<string>());
    }
}
