using Madoguchi.Core.Plans;

namespace Madoguchi.Tests.Plans;

public class OptionCostTests
{
    [Theory]
    [InlineData("2026-12-05", 27, 2_250)] // 31-day month: 27 days left including the 5th.
    [InlineData("2026-12-31", 1, 83)]
    [InlineData("2027-01-01", 30, 2_500)] // a whole 31-day month is charged as one month, never more
    [InlineData("2027-02-01", 28, 2_333)]
    [InlineData("2027-02-15", 14, 1_166)]
    public void FirstMonth_IsProRatedOverA30DayMonth_ForTheDaysLeftIncludingTheStartDay(string start, int days, int firstMonthYen)
    {
        var cost = OptionCost.For(2_500, DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal((2_500, days, firstMonthYen), (cost.MonthlyYen, cost.DaysInFirstMonth, cost.FirstMonthYen));
    }
}
