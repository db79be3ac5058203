using Madoguchi.Core.Status.SupportDesk;
using Xunit;

namespace Madoguchi.Tests.Status;

public sealed class SupportCalendarTests
{
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    /// <summary>Weekdays 09:00–12:00 and 13:00–17:30, closed on Saturday and Sunday.</summary>
    private static IEnumerable<WeeklyRange> OfficeHours() =>
        new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday }
            .SelectMany(d => new[] { new WeeklyRange(d, 9 * 60, 12 * 60), new WeeklyRange(d, 13 * 60, (17 * 60) + 30) });

    private static DateTime Local(TimeZoneInfo zone, int year, int month, int day, int hour, int minute = 0) =>
        TimeZoneInfo.ConvertTimeToUtc(new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Unspecified), zone);

    private static SupportCalendar Tokyo2026(params ClosedDays[] closures) => new(OfficeHours(), closures, Tokyo);

    [Fact]
    public void At_InsideMorningHours_IsOpenUntilLunch()
    {
        var answer = Tokyo2026().At(Local(Tokyo, 2026, 12, 1, 10));

        Assert.True(answer.IsOpen);
        Assert.Equal(Local(Tokyo, 2026, 12, 1, 12), answer.OpenUntil);
        Assert.Null(answer.NextOpensAt);
    }

    [Fact]
    public void At_LunchBreak_IsClosedAndOpensAtOne()
    {
        var answer = Tokyo2026().At(Local(Tokyo, 2026, 12, 1, 12, 30));

        Assert.False(answer.IsOpen);
        Assert.Equal(Local(Tokyo, 2026, 12, 1, 13), answer.NextOpensAt);
        Assert.Null(answer.ClosedFor);
    }

    [Fact]
    public void At_ClosingMinuteItself_IsClosed()
    {
        var answer = Tokyo2026().At(Local(Tokyo, 2026, 12, 1, 17, 30));

        Assert.False(answer.IsOpen);
        Assert.Equal(Local(Tokyo, 2026, 12, 2, 9), answer.NextOpensAt);
    }

    [Fact]
    public void At_FridayEvening_OpensMondayMorning()
    {
        // 2026-12-04 is a Friday.
        var answer = Tokyo2026().At(Local(Tokyo, 2026, 12, 4, 18));

        Assert.False(answer.IsOpen);
        Assert.Equal(Local(Tokyo, 2026, 12, 7, 9), answer.NextOpensAt);
    }

    [Fact]
    public void At_YearEndHolidaySpanningTheNewYear_ClosedWithLabelAndOpensAfterIt()
    {
        var yearEnd = new ClosedDays(new DateOnly(2026, 12, 29), new DateOnly(2027, 1, 4), "年末年始");

        var inside = Tokyo2026(yearEnd).At(Local(Tokyo, 2026, 12, 30, 10));
        var before = Tokyo2026(yearEnd).At(Local(Tokyo, 2026, 12, 28, 18));

        Assert.False(inside.IsOpen);
        Assert.Equal("年末年始", inside.ClosedFor);
        Assert.Equal(Local(Tokyo, 2027, 1, 5, 9), inside.NextOpensAt);
        Assert.Null(before.ClosedFor);
        Assert.Equal(Local(Tokyo, 2027, 1, 5, 9), before.NextOpensAt);
    }

    [Fact]
    public void At_GoldenWeekAcrossMonthsThenWeekend_OpensOnTheFirstWorkingDayAfter()
    {
        // Closed 2027-04-29 (Thu) to 2027-05-05 (Wed); then Thursday 6 May opens.
        var goldenWeek = new ClosedDays(new DateOnly(2027, 4, 29), new DateOnly(2027, 5, 5), "Golden Week");

        var answer = Tokyo2026(goldenWeek).At(Local(Tokyo, 2027, 4, 28, 17, 45));

        Assert.Equal(Local(Tokyo, 2027, 5, 6, 9), answer.NextOpensAt);
    }

    [Fact]
    public void At_ClosureEndingOnFridayAndOneOffOnMonday_SkipsBothAndTheWeekend()
    {
        var obon = new ClosedDays(new DateOnly(2027, 8, 11), new DateOnly(2027, 8, 13), "お盆");
        var oneOff = new ClosedDays(new DateOnly(2027, 8, 16), new DateOnly(2027, 8, 16), "社内研修");

        var answer = Tokyo2026(obon, oneOff).At(Local(Tokyo, 2027, 8, 12, 10));

        Assert.Equal("お盆", answer.ClosedFor);
        Assert.Equal(Local(Tokyo, 2027, 8, 17, 9), answer.NextOpensAt);
    }

    [Fact]
    public void At_JapanHasNoDst_NineOClockIsMidnightUtcAllYear()
    {
        var winter = Tokyo2026().At(new DateTime(2027, 1, 8, 23, 0, 0, DateTimeKind.Utc));
        var summer = Tokyo2026().At(new DateTime(2027, 7, 8, 23, 0, 0, DateTimeKind.Utc));

        Assert.Equal(new DateTime(2027, 1, 9 + 2, 0, 0, 0, DateTimeKind.Utc), winter.NextOpensAt); // Saturday 9th local → Monday 11th
        Assert.Equal(new DateTime(2027, 7, 9, 0, 0, 0, DateTimeKind.Utc), summer.NextOpensAt);
    }

    [Fact]
    public void At_DstZone_KeepsNineLocalOnBothSidesOfTheChange()
    {
        var calendar = new SupportCalendar(OfficeHours(), [], NewYork);

        // 2027-03-14 (Sunday) clocks go forward; Friday 12 March closes at 17:30 EST (UTC-5), Monday opens at 09:00 EDT (UTC-4).
        var answer = calendar.At(new DateTime(2027, 3, 12, 23, 0, 0, DateTimeKind.Utc));

        Assert.Equal(new DateTime(2027, 3, 15, 13, 0, 0, DateTimeKind.Utc), answer.NextOpensAt);
        Assert.True(calendar.At(new DateTime(2027, 3, 12, 14, 30, 0, DateTimeKind.Utc)).IsOpen); // 09:30 EST
        Assert.False(calendar.At(new DateTime(2027, 3, 15, 12, 30, 0, DateTimeKind.Utc)).IsOpen); // 08:30 EDT
    }

    [Fact]
    public void At_OpeningTimeInsideTheSpringForwardGap_OpensAtTheFirstRealMinute()
    {
        // 02:30 does not exist in New York on 2027-03-14: the desk opens at 03:00 EDT = 07:00 UTC.
        var calendar = new SupportCalendar([new WeeklyRange(DayOfWeek.Sunday, (2 * 60) + 30, 5 * 60)], [], NewYork);

        var answer = calendar.At(new DateTime(2027, 3, 14, 5, 0, 0, DateTimeKind.Utc));

        Assert.Equal(new DateTime(2027, 3, 14, 7, 0, 0, DateTimeKind.Utc), answer.NextOpensAt);
    }

    [Fact]
    public void At_RangesTouchingAcrossMidnight_AreOneStretch()
    {
        var calendar = new SupportCalendar([new WeeklyRange(DayOfWeek.Friday, 20 * 60, 24 * 60), new WeeklyRange(DayOfWeek.Saturday, 0, 2 * 60)], [], Tokyo);

        var answer = calendar.At(Local(Tokyo, 2026, 12, 4, 23));

        Assert.True(answer.IsOpen);
        Assert.Equal(Local(Tokyo, 2026, 12, 5, 2), answer.OpenUntil);
    }

    [Fact]
    public void At_NoHoursAtAll_NeverOpens()
    {
        var answer = new SupportCalendar([], [], Tokyo).At(Local(Tokyo, 2026, 12, 1, 10));

        Assert.False(answer.IsOpen);
        Assert.Null(answer.NextOpensAt);
    }

    [Fact]
    public void At_ClosuresFarAhead_StillFindsTheNextOpening()
    {
        var longClosure = new ClosedDays(new DateOnly(2026, 12, 1), new DateOnly(2027, 11, 30), "移転");

        var answer = Tokyo2026(longClosure).At(Local(Tokyo, 2026, 12, 1, 10));

        Assert.Equal(Local(Tokyo, 2027, 12, 1, 9), answer.NextOpensAt);
    }

    [Theory]
    [InlineData("09:00", 540)]
    [InlineData("00:00", 0)]
    [InlineData("24:00", 1440)]
    [InlineData("9:00", null)]
    [InlineData("24:01", null)]
    [InlineData("12:60", null)]
    [InlineData("１２:００", null)]
    [InlineData("-1:00", null)]
    public void ParseTime_AcceptsOnlyHoursAndMinutes(string text, int? expected) =>
        Assert.Equal(expected, SupportCalendarRules.ParseTime(text));

    [Fact]
    public void CheckHours_OverlappingRangesOnOneDay_AreRefused()
    {
        var result = SupportCalendarRules.CheckHours([new(DayOfWeek.Monday, "09:00", "12:00"), new(DayOfWeek.Monday, "11:00", "13:00")]);

        Assert.Equal("ranges_overlap", result.Error?.Code);
    }
}
