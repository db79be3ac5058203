using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Sending;

/// <summary>One connection's outcomes are written several to a transaction (<see cref="SendingOptions.OutcomesPerCommit"/>):
/// each message still gets its own truth — its own state and the time the server accepted it, not the time of the write.</summary>
public sealed class OutcomeCommitTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OneConnection_OutcomesWrittenInGroups_EachSentOnceWithItsOwnAcceptanceTime(DatabaseProvider provider)
    {
        const int Count = 25;
        await using var sink = await SmtpSinkServer.StartNewAsync(dump: true);
        // All the messages in one claim over one connection.
        var settings = SendingScenario.HandDrivenSettings();
        settings["Madoguchi:Sending:MessagesPerConnection"] = $"{Count}";
        settings["Madoguchi:Sending:OutcomesPerCommit"] = "10";
        settings["Madoguchi:Sending:MaxOutcomeDelay"] = "00:00:05";
        await using var s = await SendingScenario.StartAsync(provider, settings);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = sink.Port, security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync($"grouped-{provider}@example.com");
        var ids = await s.QueueRepliesAsync(ticketId, Count);
        var started = DateTime.UtcNow;

        Assert.True(await s.RunOutboxPassAsync());

        var rows = await s.App.WithDbAsync(db => db.OutgoingMessages.AsNoTracking().Where(o => ids.Contains(o.TicketMessageId)).ToListAsync());
        Assert.Equal(Count, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(SendState.Sent, r.State);
            Assert.Equal(1, r.Attempts);
            Assert.Null(r.LeaseOwner);
        });
        // Sent in queue order; each send time is that message's own (the groups of ten were written together, later).
        var sentAt = rows.OrderBy(r => r.NextAttemptAt).ThenBy(r => r.QueuedAt).Select(r => r.SentAt!.Value).ToList();
        Assert.Equal(sentAt.Order(), sentAt);
        Assert.True(sentAt.Distinct().Count() > 3, string.Join(", ", sentAt.Select(t => t.ToString("O"))));
        Assert.All(sentAt, t => Assert.InRange(t, started.AddSeconds(-1), DateTime.UtcNow.AddSeconds(1)));
        Assert.Equal(Count, await sink.WaitForDumpedAsync(Count));
    }
}
