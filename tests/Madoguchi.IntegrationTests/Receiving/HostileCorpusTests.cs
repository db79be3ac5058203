using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Mail;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Receiving;

/// <summary>Malformed and hostile mail on a real server: every message is stored with its exact bytes, becomes a ticket
/// message (marked "could not be fully read" where it could not), hostile HTML never reaches the API, and the worker goes on.</summary>
public sealed class HostileCorpusTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task HostileCorpus_OverImap_EveryMessageStoredAndTicketed_NoneStopsTheWorker(DatabaseProvider provider)
    {
        var corpus = HostileCorpus.All();
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverManyAsync(user.Name, corpus.Select(e => e.Bytes));
        await using var scenario = await ReceivingScenario.StartAsync(provider);
        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user));

        await scenario.FetchNowAsync();

        await scenario.AssertStoredExactlyAsync(corpus.Select(e => e.Bytes).ToList());
        var stored = await scenario.StoredAsync();
        foreach (var raw in stored)
            await scenario.App.WaitForPipelineAsync(raw.Id);
        var messages = await scenario.App.WithDbAsync(db => db.TicketMessages.AsNoTracking().Where(m => m.InboxId == scenario.InboxId).ToListAsync());
        Assert.Equal(corpus.Count, messages.Count);
        var hashes = stored.ToDictionary(r => r.Id, r => r.BlobHash);
        foreach (var entry in corpus.Where(e => e.ExpectReadProblem))
        {
            var message = messages.Single(m => hashes[m.RawMessageId!.Value] == TestMailbox.Sha256(entry.Bytes));
            Assert.False(string.IsNullOrEmpty(message.ReadProblem), $"{entry.Name}: expected a read problem");
        }

        var html = messages.Single(m => m.MessageIdHeader == "script-html@hostile.test");
        var ticket = await scenario.Owner.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{html.TicketId}");
        var shown = ticket.GetProperty("messages")[0].GetProperty("html").GetString()!;
        Assert.Contains("Hello", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", shown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", shown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", shown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", shown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("tracker.example", shown, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", shown, StringComparison.OrdinalIgnoreCase);

        // The worker is still healthy: a normal message after the corpus arrives as usual.
        await dovecot.Server.DeliverAsync(user.Name, DovecotServer.SampleMessage("after-corpus@example.test", "Normal mail"));
        await scenario.FetchNowAsync();
        var after = (await scenario.StoredAsync()).Single(r => r.MessageIdHeader == "after-corpus@example.test");
        Assert.NotNull((await scenario.App.WaitForPipelineAsync(after.Id)).TicketId);
    }
}
