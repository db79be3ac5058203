using Madoguchi.Core.Status;
using Madoguchi.Core.Status.Summary;

namespace Madoguchi.Tests.Status;

public sealed class UptimeCalculatorTests
{
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
    private static readonly TimeSpan Gap = TimeSpan.FromMinutes(5);
    private static readonly DateTime Later = new(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static DateTime Utc(int month, int day, int hour, int minute) => new(2026, month, day, hour, minute, 0, DateTimeKind.Utc);

    // 23:58 JST operational, 00:02 JST (next day) major outage: 14:58 and 15:02 UTC.
    private static readonly ProbePoint[] AroundTokyoMidnight =
    [
        new(Utc(3, 9, 14, 58), ComponentState.Operational),
        new(Utc(3, 9, 15, 2), ComponentState.MajorOutage),
    ];

    [Fact]
    public void Day_ProbeStretchOverTokyoMidnight_IsSplitBetweenTheTwoJapaneseDays()
    {
        var before = UptimeCalculator.Day(AroundTokyoMidnight, new DateOnly(2026, 3, 9), Tokyo, Later, Gap);
        var after = UptimeCalculator.Day(AroundTokyoMidnight, new DateOnly(2026, 3, 10), Tokyo, Later, Gap);

        Assert.Equal((TimeSpan.FromMinutes(2), TimeSpan.Zero), (before.Up, before.Down));
        Assert.Equal(100, before.Percent);
        Assert.Equal((TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)), (after.Up, after.Down));
        Assert.Equal(100.0 * 2 / 7, after.Percent!.Value, 6);
    }

    [Fact]
    public void Day_SameProbesInUtc_FallOnOneUtcDay()
    {
        var day = UptimeCalculator.Day(AroundTokyoMidnight, new DateOnly(2026, 3, 9), TimeZoneInfo.Utc, Later, Gap);

        Assert.Equal((TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5)), (day.Up, day.Down));
        Assert.Null(UptimeCalculator.Day(AroundTokyoMidnight, new DateOnly(2026, 3, 10), TimeZoneInfo.Utc, Later, Gap).Percent);
    }

    [Fact]
    public void Day_SilenceLongerThanTheGap_IsNoData_AndADayWithoutProbesHasNoFigure()
    {
        ProbePoint[] probes = [new(Utc(5, 1, 0, 0), ComponentState.MajorOutage), new(Utc(5, 1, 6, 0), ComponentState.Operational)];

        var day = UptimeCalculator.Day(probes, new DateOnly(2026, 5, 1), TimeZoneInfo.Utc, Later, Gap);

        Assert.Equal((Gap, Gap), (day.Up, day.Down));
        Assert.Equal(50, day.Percent);
        Assert.Null(UptimeCalculator.Day(probes, new DateOnly(2026, 5, 3), TimeZoneInfo.Utc, Later, Gap).Percent);
    }

    [Fact]
    public void Day_WhenClocksSpringForward_HasTwentyThreeHours()
    {
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        // 2026-03-08 starts at 05:00 UTC (EST) and ends at 04:00 UTC the next day (EDT).
        var probes = Enumerable.Range(0, 30 * 24 * 12).Select(i => new ProbePoint(Utc(3, 7, 0, 0).AddMinutes(5 * i), ComponentState.DegradedPerformance)).ToList();

        var day = UptimeCalculator.Day(probes, new DateOnly(2026, 3, 8), newYork, Later, Gap);

        Assert.Equal(TimeSpan.FromHours(23), day.Up);
        Assert.Equal(TimeSpan.Zero, day.Down);
        Assert.Equal(TimeSpan.FromHours(24), UptimeCalculator.Day(probes, new DateOnly(2026, 3, 8), Tokyo, Later, Gap).Up);
    }

    [Fact]
    public void Day_Today_CountsOnlyUpToNow_AndPartialOutageIsDown()
    {
        var now = Utc(6, 1, 12, 0);
        ProbePoint[] probes = [new(now.AddMinutes(-3), ComponentState.PartialOutage), new(now.AddMinutes(-1), ComponentState.Operational)];

        var day = UptimeCalculator.Day(probes, new DateOnly(2026, 6, 1), TimeZoneInfo.Utc, now, Gap);

        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2)), (day.Up, day.Down));
    }

    [Fact]
    public void Overall_WeighsDaysByTheirCoveredTime_AndIgnoresDaysWithoutData()
    {
        var days = new[]
        {
            new UptimeDay(new DateOnly(2026, 1, 1), TimeSpan.FromHours(24), TimeSpan.Zero),
            new UptimeDay(new DateOnly(2026, 1, 2), TimeSpan.Zero, TimeSpan.Zero),
            new UptimeDay(new DateOnly(2026, 1, 3), TimeSpan.FromHours(1), TimeSpan.FromHours(1)),
        };

        Assert.Equal(100.0 * 25 / 26, UptimeCalculator.Overall(days)!.Value, 6);
        Assert.Null(UptimeCalculator.Overall([days[1]]));
    }
}
