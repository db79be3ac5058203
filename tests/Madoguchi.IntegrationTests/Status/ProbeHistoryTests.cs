using Madoguchi.Core.Data;
using Madoguchi.Core.Status;
using Madoguchi.Core.Status.Monitoring;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Status;

/// <summary>A round stores one row per component and keeps the history bounded (100 days by default).</summary>
public sealed class ProbeHistoryTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Round_StoresOneRowPerComponent_DeletesResultsOlderThanKeepHistory(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Madoguchi:Monitoring:Storage:DegradedBelowPercent"] = "0",
            ["Madoguchi:Monitoring:Storage:PartialOutageBelowPercent"] = "0",
            ["Madoguchi:Monitoring:Storage:MajorOutageBelowPercent"] = "0",
        });
        // PostgreSQL keeps microseconds: a time it can store exactly, so the round's rows can be found by it.
        var now = new DateTime(DateTime.UtcNow.Ticks / 10 * 10, DateTimeKind.Utc);
        await app.WithDbAsync(async db =>
        {
            db.ProbeResults.Add(new ProbeResult { Component = StatusComponent.Web, State = ComponentState.Operational, CheckedAt = now.AddDays(-101), Detail = "old" });
            db.ProbeResults.Add(new ProbeResult { Component = StatusComponent.Web, State = ComponentState.Operational, CheckedAt = now.AddDays(-99), Detail = "kept" });
            return await db.SaveChangesAsync();
        });

        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<RunProbeRoundCommand>().HandleAsync(now, CancellationToken.None);

        var rows = await app.WithDbAsync(db => db.ProbeResults.AsNoTracking().ToListAsync());
        Assert.DoesNotContain(rows, r => r.Detail == "old");
        Assert.Contains(rows, r => r.Detail == "kept");
        var round = rows.Where(r => r.CheckedAt == now).ToList();
        Assert.Equal(Enum.GetValues<StatusComponent>().Order(), round.Select(r => r.Component).Order());
        Assert.All(round, r => Assert.Equal(ComponentState.Operational, r.State));
        Assert.Equal(round.Select(r => (r.Component, r.State)).Order(),
            app.Services.GetRequiredService<ProbeStateBoard>().Snapshot().Select(p => (p.Component, p.State)).Order());
    }
}
