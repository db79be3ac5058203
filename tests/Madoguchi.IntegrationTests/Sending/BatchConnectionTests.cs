using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
        var settings = SendingScenario.Settings();
        // The worker is driven by hand, so that all the messages go in one pass of one slot.
        settings["Madoguchi:Sending:WorkerEnabled"] = "false";
        settings["Madoguchi:Sending:MaxParallel"] = "1";
        settings["Madoguchi:Sending:MessagesPerBatch"] = $"{Count}";
        settings["Madoguchi:Sending:MessagesPerConnection"] = "3";
        await using var s = await SendingScenario.StartAsync(provider, settings);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = counted.Port, security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync($"per-connection-{provider}@example.com");
        var ids = new List<Guid>();
        for (var i = 0; i < Count; i++)
            ids.Add((await s.ReplyAsync(ticketId, new { text = $"Reply {i}" })).GetProperty("id").GetGuid());

        var worker = s.App.Services.GetServices<IHostedService>().OfType<OutboxWorker>().Single();
        Assert.True(await worker.PassAsync(CancellationToken.None));

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
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (sink.CountDumpedMessages() < Count && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Equal(Count, sink.CountDumpedMessages());
    }
}
