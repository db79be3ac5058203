using Madoguchi.Core.Data;
using Madoguchi.Core.Status;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Status;

/// <summary>Several app instances on one PostgreSQL: each probe round runs once per interval, whichever instance claims it.</summary>
public sealed class ProbeRoundLeaseTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task TwoInstancesOnOnePostgres_OneRoundPerInterval()
    {
        await using var first = await MadoguchiApp.StartAsync(DatabaseProvider.Postgres, ProbeRounds.Settings(Interval));
        await using var second = await MadoguchiApp.StartBesideAsync(first, ProbeRounds.Settings(Interval));
        await ProbeRounds.AfterAsync(first, StatusComponent.Web, DateTime.MinValue, 6);

        var rounds = await first.WithDbAsync(db => db.ProbeResults.AsNoTracking().OrderBy(p => p.CheckedAt).ToListAsync());
        var times = rounds.Where(r => r.Component == StatusComponent.Web).Select(r => r.CheckedAt).ToList();
        // One row per component per round, and consecutive rounds at least one interval apart (timestamps are kept to the microsecond).
        Assert.All(rounds.GroupBy(r => r.CheckedAt), g => Assert.Equal(Enum.GetValues<StatusComponent>().Length, g.Count()));
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= Interval - TimeSpan.FromMilliseconds(1),
            $"rounds at {pair.First:HH:mm:ss.ffffff} and {pair.Second:HH:mm:ss.ffffff}"));
        // Other workers (retention, sending) keep leases of their own in the same table.
        var leases = await first.WithDbAsync(db => db.WorkerLeases.AsNoTracking().Where(l => l.Name == "probe-round").ToListAsync());
        Assert.Single(leases);
    }
}
