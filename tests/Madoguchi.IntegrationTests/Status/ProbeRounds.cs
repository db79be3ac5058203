using System.Diagnostics;
using System.Globalization;
using Madoguchi.Core.Status;
using Madoguchi.Core.Status.Monitoring;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Status;

/// <summary>Settings that turn the probe runner on for a test, and waiting counted in probe rounds (stored rows), never in seconds.</summary>
internal static class ProbeRounds
{
    /// <summary>Probe rounds every <paramref name="interval"/>; free-space thresholds off, so the test machine's disk does not matter.</summary>
    public static Dictionary<string, string?> Settings(TimeSpan interval, IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Madoguchi:Monitoring:Enabled"] = "true",
            ["Madoguchi:Monitoring:ProbeInterval"] = interval.ToString("c", CultureInfo.InvariantCulture),
            ["Madoguchi:Monitoring:Storage:DegradedBelowPercent"] = "0",
            ["Madoguchi:Monitoring:Storage:PartialOutageBelowPercent"] = "0",
            ["Madoguchi:Monitoring:Storage:MajorOutageBelowPercent"] = "0",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
            settings[key] = value;
        return settings;
    }

    /// <summary>The first <paramref name="count"/> stored results of <paramref name="component"/> checked after
    /// <paramref name="after"/>, oldest first. The time limit only keeps a broken runner from hanging the suite.</summary>
    public static async Task<List<ProbeResult>> AfterAsync(MadoguchiApp app, StatusComponent component, DateTime after, int count, int limitSeconds = 120)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var rows = await app.WithDbAsync(db => db.ProbeResults.AsNoTracking()
                .Where(p => p.Component == component && p.CheckedAt > after).OrderBy(p => p.CheckedAt).Take(count).ToListAsync());
            if (rows.Count >= count)
                return rows;
            Assert.True(clock.Elapsed.TotalSeconds < limitSeconds, $"only {rows.Count} of {count} probe rounds of {component} came after {after:o}");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until a round after <paramref name="after"/> finds <paramref name="component"/> in <paramref name="state"/>; returns that row.</summary>
    public static async Task<ProbeResult> UntilAsync(MadoguchiApp app, StatusComponent component, ComponentState state, DateTime after, int limitSeconds = 120)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var row = await app.WithDbAsync(db => db.ProbeResults.AsNoTracking()
                .Where(p => p.Component == component && p.CheckedAt > after && p.State == state).OrderBy(p => p.CheckedAt).FirstOrDefaultAsync());
            if (row is not null)
                return row;
            Assert.True(clock.Elapsed.TotalSeconds < limitSeconds, $"no probe round after {after:o} found {component} {state}");
            await Task.Delay(100);
        }
    }

    /// <summary>Settings for tests that run rounds themselves (<see cref="RunAsync"/>): the runner stays off, and only the
    /// component under test can leave "operational" on a loaded test machine (web and database thresholds far away, free
    /// space not judged).</summary>
    public static Dictionary<string, string?> ManualSettings(IDictionary<string, string?>? more = null)
    {
        var settings = Settings(TimeSpan.FromMinutes(1), more);
        settings["Madoguchi:Monitoring:Enabled"] = "false";
        settings["Madoguchi:Monitoring:Web:DegradedAboveMilliseconds"] = "300000";
        settings["Madoguchi:Monitoring:Web:PartialOutageAboveMilliseconds"] = "600000";
        settings["Madoguchi:Monitoring:Database:DegradedAboveMilliseconds"] = "300000";
        settings["Madoguchi:Monitoring:Database:PartialOutageAboveMilliseconds"] = "600000";
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
            settings[key] = value;
        return settings;
    }

    /// <summary>One probe round as the runner runs it, at <paramref name="now"/>: the settable clock of the probes, the
    /// throttle and the alert emails.</summary>
    public static async Task<IReadOnlyDictionary<StatusComponent, ProbeReading>> RunAsync(MadoguchiApp app, DateTime now)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RunProbeRoundCommand>().HandleAsync(now, CancellationToken.None);
    }
}
