using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Sending;

/// <summary>A batch is claimed once (<see cref="SendingOptions.MessagesPerBatch"/>) but no SMTP connection carries more
/// than <see cref="SendingOptions.MessagesPerConnection"/> messages: servers that limit messages per connection are kept.</summary>
public sealed class BatchConnectionTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OneClaim_OfTenMessages_ThreePerConnection_UsesFourConnections_EachMessageSentOnce(DatabaseProvider provider)
    {
        const int Count = 10;
        await using var sink = await SmtpSinkServer.StartNewAsync(dump: true);
        await using var counted = TcpFaultProxy.Start(sink.Port);
        var settings = SendingScenario.HandDrivenSettings();
        settings["Madoguchi:Sending:MessagesPerBatch"] = $"{Count}";
        settings["Madoguchi:Sending:MessagesPerConnection"] = "3";
        await using var s = await SendingScenario.StartAsync(provider, settings);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = counted.Port, security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync($"per-connection-{provider}@example.com");
        var ids = await s.QueueRepliesAsync(ticketId, Count);

        Assert.True(await s.RunOutboxPassAsync());

        var rows = await s.App.WithDbAsync(db => db.OutgoingMessages.AsNoTracking().Where(o => ids.Contains(o.TicketMessageId)).ToListAsync());
        Assert.Equal(Count, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(SendState.Sent, r.State);
            Assert.Equal(1, r.Attempts);
        });
        // One claim: its single statement gave every message the same attempt time.
        Assert.Single(rows.Select(r => r.LastAttemptAt).Distinct());
        // 3 + 3 + 3 + 1 messages: four connections, one after another.
        Assert.Equal(4, counted.ConnectionCount);
        Assert.Equal(Count, await sink.WaitForDumpedAsync(Count));
    }
}
