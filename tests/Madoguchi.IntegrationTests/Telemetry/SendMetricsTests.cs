using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.IntegrationTests.Bounces;
using Madoguchi.IntegrationTests.Sending;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;

namespace Madoguchi.IntegrationTests.Telemetry;

/// <summary>Outgoing mail in /metrics: one message accepted, one refused and one bounce report move the sent, failed and
/// bounced counters by exactly one each, and no address or subject reaches the exposition.</summary>
[Collection(MetricsCollection.Name)]
public sealed class SendMetricsTests
{
    [Fact]
    public async Task SentFailedBounced_EachCounterMovesByOne_WithoutPersonalData()
    {
        await using var accepting = await SmtpSinkServer.StartNewAsync();
        await using var refusing = await SmtpSinkServer.StartNewAsync(["-f", "DATA", "-B", "554 5.3.0 Transaction failed"]);
        await using var app = await MetricsTests.StartAppAsync(DatabaseProvider.Sqlite, SendingScenario.Settings());
        await using var s = await SendingScenario.OnAsync(app);
        var customer = $"metrics-{Guid.NewGuid():N}@customer.example";
        var ticketId = await s.ReceiveCustomerMailAsync($"metrics-{Guid.NewGuid():N}@example.com", customer);
        var before = Exposition.Parse(await MetricsTests.ScrapeTextAsync(app));

        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = accepting.Port, security = "none", authentication = "none", isDefault = true });
        var sentReply = await s.ReplyAsync(ticketId, new { text = "Sent" });
        Assert.Equal(SendState.Sent, (await s.WaitUntilSettledAsync(sentReply.GetProperty("id").GetGuid())).State);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = refusing.Port, security = "none", authentication = "none", isDefault = true });
        var failedReply = await s.ReplyAsync(ticketId, new { text = "Refused" });
        Assert.Equal(SendState.Failed, (await s.WaitUntilSettledAsync(failedReply.GetProperty("id").GetGuid())).State);
        await app.ReceiveAsync(s.InboxId, BounceReceivingTests.PostfixBounce(customer, sentReply.GetProperty("messageId").GetString()!));
        var text = await MetricsTests.ScrapeTextAsync(app);

        var after = Exposition.Parse(text);
        Assert.Equal(1, after.Sum("madoguchi_send_messages_sent_total") - before.Sum("madoguchi_send_messages_sent_total"));
        Assert.Equal(1, after.Sum("madoguchi_send_messages_failed_total", ("error_code", "rejected")) - before.Sum("madoguchi_send_messages_failed_total", ("error_code", "rejected")));
        Assert.Equal(1, after.Sum("madoguchi_send_messages_bounced_total") - before.Sum("madoguchi_send_messages_bounced_total"));
        await Promtool.AssertValidAsync(text);
        foreach (var personal in new[] { customer, "support@example.test", "注文について", "127.0.0.1:" + accepting.Port })
            Assert.DoesNotContain(personal, text, StringComparison.OrdinalIgnoreCase);
    }
}
