using System.Net;
using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.Core.Status;
using Madoguchi.Core.Status.Monitoring;
using Madoguchi.IntegrationTests.Sending;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Status;

/// <summary>Sending follows the outbox: a reply to an unreachable SMTP server waits in the queue past the threshold
/// (degraded), replies the server refuses fail (outage), and once the failures leave the window it is operational again.
/// Rounds run at chosen times (the probe's clock), so nothing sleeps.</summary>
public sealed class SendingProbeTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task QueuedPastThreshold_Degraded_ServerRefuses_MajorOutage_FailuresPast_Operational(DatabaseProvider provider)
    {
        await using var refusing = await SmtpSinkServer.StartNewAsync(["-f", "DATA", "-B", "554 5.3.0 Transaction failed"]);
        var settings = ProbeRounds.ManualSettings(SendingScenario.Settings());
        settings["Madoguchi:Monitoring:Sending:FailureRateMinimumMessages"] = "2";
        await using var s = await SendingScenario.StartAsync(provider, settings);
        var ticketId = await s.ReceiveCustomerMailAsync($"probe-{provider}@example.com");

        var idle = (await ProbeRounds.RunAsync(s.App, DateTime.UtcNow))[StatusComponent.Sending];
        Assert.Equal((ComponentState.Operational, "No message waiting to be sent; 0 of 0 finished in the last 60 min failed (0%, too few to judge)."), (idle.State, idle.Detail));

        // Nothing listens on this port: the reply stays 送信待ち, retried.
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = FreePort.Get(), security = "none", authentication = "none", isDefault = true });
        var waitingId = (await s.ReplyAsync(ticketId, new { text = "Hello" })).GetProperty("id").GetGuid();
        var waiting = await s.WaitForOutboxAsync(waitingId, o => o.Attempts >= 1 && o.State == SendState.Queued);
        Assert.Equal(SendErrorCode.ConnectionRefused, waiting.ErrorCode);

        var early = (await ProbeRounds.RunAsync(s.App, waiting.QueuedAt.AddMinutes(14)))[StatusComponent.Sending];
        var late = (await ProbeRounds.RunAsync(s.App, waiting.QueuedAt.AddMinutes(16)))[StatusComponent.Sending];
        Assert.Equal(ComponentState.Operational, early.State);
        Assert.Equal(ComponentState.DegradedPerformance, late.State);
        Assert.StartsWith("Oldest message waiting 16 min;", late.Detail, StringComparison.Ordinal);
        var stored = await s.App.WithDbAsync(db => db.ProbeResults.AsNoTracking().SingleAsync(p => p.Component == StatusComponent.Sending && p.CheckedAt == waiting.QueuedAt.AddMinutes(16)));
        Assert.Equal((ComponentState.DegradedPerformance, late.Detail), (stored.State, stored.Detail));
        await CancelAsync(s, waitingId);

        // The server refuses every message after DATA: permanent failures.
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = refusing.Port, security = "none", authentication = "none", isDefault = true });
        var failed = new List<OutgoingMessage>();
        foreach (var text in new[] { "One", "Two" })
        {
            var id = (await s.ReplyAsync(ticketId, new { text })).GetProperty("id").GetGuid();
            failed.Add(await s.WaitUntilSettledAsync(id));
        }
        Assert.All(failed, f => Assert.Equal((SendState.Failed, SendErrorCode.Rejected), (f.State, f.ErrorCode)));
        var lastFailure = failed.Max(f => f.LastAttemptAt!.Value);

        // Later than the degraded alert plus its 30-minute throttle, and the failures still inside the hour.
        var outage = (await ProbeRounds.RunAsync(s.App, lastFailure.AddMinutes(50)))[StatusComponent.Sending];
        Assert.Equal((ComponentState.MajorOutage, "No message waiting to be sent; 2 of 2 finished in the last 60 min failed (100%)."), (outage.State, outage.Detail));

        var recovered = (await ProbeRounds.RunAsync(s.App, lastFailure.AddMinutes(61)))[StatusComponent.Sending];
        Assert.Equal(ComponentState.Operational, recovered.State);
        // Operators were told each change of sending: degraded, then major outage, then the recovery.
        var alerts = await s.App.WithDbAsync(db => db.OperatorAlerts.AsNoTracking().Where(a => a.Component == StatusComponent.Sending)
            .OrderBy(a => a.CreatedAt).Select(a => a.State).ToListAsync());
        Assert.Equal([ComponentState.DegradedPerformance, ComponentState.MajorOutage, ComponentState.Operational], alerts);
    }

    /// <summary>A message still 送信待ち is cancelled (the worker may hold it for a moment while it retries).</summary>
    private static async Task CancelAsync(SendingScenario s, Guid messageId)
    {
        for (var i = 0; i < 200; i++)
        {
            var response = await s.Owner.PostAsync($"/api/v1/messages/{messageId}/cancel", null);
            if (response.StatusCode == HttpStatusCode.OK)
                return;
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            await Task.Delay(20);
        }
        throw new Xunit.Sdk.XunitException("The queued message could not be cancelled.");
    }
}
