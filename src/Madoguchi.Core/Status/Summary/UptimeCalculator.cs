using Madoguchi.Core.Accounts;

namespace Madoguchi.Core.Status.Summary;

/// <summary>One calendar day of one component: time the probes saw it up (operational or degraded) and down (partial or
/// major outage). <see cref="Percent"/> is null when no probe result covers any of the day ("no data").</summary>
public sealed record UptimeDay(DateOnly Date, TimeSpan Up, TimeSpan Down)
{
    public double? Percent => Up + Down <= TimeSpan.Zero ? null : 100.0 * Up.Ticks / (Up + Down).Ticks;
}

public readonly record struct ProbePoint(DateTime At, ComponentState State);

/// <summary>The uptime arithmetic, pure. A probe result stands for its component from its time until the next result, but for
/// at most <c>maxGap</c> and never past <c>now</c>; that stretch is cut at the day boundaries of the zone (so a day can be 23 or
/// 25 hours long where clocks change). Days are the zone's calendar days.</summary>
public static class UptimeCalculator
{
    public static UptimeDay Day(IReadOnlyList<ProbePoint> sorted, DateOnly date, TimeZoneInfo zone, DateTime now, TimeSpan maxGap)
    {
        var dayStart = TimeZones.StartOfDateUtc(date, zone);
        var dayEnd = TimeZones.StartOfDateUtc(date.AddDays(1), zone);
        var up = TimeSpan.Zero;
        var down = TimeSpan.Zero;
        var first = FirstRelevant(sorted, dayStart - maxGap);
        for (var i = first; i < sorted.Count && sorted[i].At < dayEnd; i++)
        {
            var start = sorted[i].At;
            var end = start + maxGap;
            if (i + 1 < sorted.Count && sorted[i + 1].At < end)
                end = sorted[i + 1].At;
            if (end > now)
                end = now;
            if (start < dayStart)
                start = dayStart;
            if (end > dayEnd)
                end = dayEnd;
            if (end <= start)
                continue;
            switch (sorted[i].State)
            {
                case ComponentState.Operational or ComponentState.DegradedPerformance:
                    up += end - start;
                    break;
                case ComponentState.PartialOutage or ComponentState.MajorOutage:
                    down += end - start;
                    break;
            }
        }
        return new UptimeDay(date, up, down);
    }

    /// <summary>Share of up time over several days (weighted by covered time), or null when none has data.</summary>
    public static double? Overall(IEnumerable<UptimeDay> days)
    {
        var list = days.ToList();
        var up = list.Sum(d => d.Up.Ticks);
        var total = up + list.Sum(d => d.Down.Ticks);
        return total == 0 ? null : 100.0 * up / total;
    }

    /// <summary>The zone's calendar date of a UTC instant.</summary>
    public static DateOnly DateIn(DateTime utc, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, zone));

    private static int FirstRelevant(IReadOnlyList<ProbePoint> sorted, DateTime from)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid].At < from)
                lo = mid + 1;
            else
                hi = mid;
        }
        // The result just before the window may still cover its first minutes.
        return Math.Max(0, lo - 1);
    }
}
