using Madoguchi.Core.Data;
using Madoguchi.Core.Status;
using Madoguchi.IntegrationTests.Receiving;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Status;

/// <summary>Receiving follows the mail servers: this class's own Dovecot (no other test class uses it) is stopped and
/// started again while the fetch worker polls it.</summary>
public sealed class ReceivingProbeTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    /// <summary>Longer than one poll (5 s) plus a pass, so a failure recorded by the next pass is seen by the second round.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(8);

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task DovecotStopped_ReceivingOutageWithinTwoRounds_OperationalAgainWithinTwoRoundsOfRestart(DatabaseProvider provider)
    {
        var user = await dovecot.AddUniqueUserAsync();
        await using var scenario = await ReceivingScenario.StartAsync(provider, ProbeRounds.Settings(Interval, ReceivingScenario.Settings(worker: true)));
        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user, new { pollSeconds = 5, useIdle = false }));
        var added = DateTime.UtcNow;
        await WorkerTests.WaitAsync(async () => (await scenario.StatusAsync()).GetProperty("items")[0].GetProperty("lastSuccessAt").ValueKind != System.Text.Json.JsonValueKind.Null, 60);
        var healthy = await ProbeRounds.UntilAsync(scenario.App, StatusComponent.Receiving, ComponentState.Operational, added);
        Assert.Equal("1 of 1 receive servers fetching (100%), 0 stalled, 0 originals waiting for processing.", healthy.Detail);

        await dovecot.Server.StopAsync();
        var stoppedAt = DateTime.UtcNow;
        try
        {
            var outage = await ProbeRounds.UntilAsync(scenario.App, StatusComponent.Receiving, ComponentState.MajorOutage, stoppedAt);
            Assert.InRange(await RoundsAsync(scenario.App, stoppedAt, outage.CheckedAt), 1, 2);
            Assert.Equal("0 of 1 receive servers fetching (0%), 0 stalled, 0 originals waiting for processing.", outage.Detail);
        }
        finally
        {
            await dovecot.Server.StartAsync();
        }
        var startedAt = DateTime.UtcNow;

        var back = await ProbeRounds.UntilAsync(scenario.App, StatusComponent.Receiving, ComponentState.Operational, startedAt);
        Assert.InRange(await RoundsAsync(scenario.App, startedAt, back.CheckedAt), 1, 2);
    }

    /// <summary>Probe rounds of receiving after <paramref name="after"/> up to and including <paramref name="until"/>.</summary>
    private static Task<int> RoundsAsync(MadoguchiApp app, DateTime after, DateTime until) =>
        app.WithDbAsync(db => db.ProbeResults.CountAsync(p => p.Component == StatusComponent.Receiving && p.CheckedAt > after && p.CheckedAt <= until));
}
