using Madoguchi.Core.Common;

namespace Madoguchi.Core.Plans;

internal static class PlanRules
{
    public static Error OperatorsOnly() => new(ErrorKind.Forbidden, "operators_only", "Only the people running this installation can do this.");

    public static Error? CheckQuantity(int value, string name) => value is < 0 or > OptionRequest.MaxQuantity
        ? new Error(ErrorKind.Invalid, $"invalid_{name}", $"{name} must be between 0 and {OptionRequest.MaxQuantity}.")
        : null;
}

/// <summary>The monthly price of some extras and what the first, partial month costs when they start on a given day: the
/// monthly price pro-rated over a 30-day month for the days left in the calendar month (the start day included).</summary>
public sealed record OptionCost(int MonthlyYen, DateOnly StartsOn, int DaysInFirstMonth, int FirstMonthYen)
{
    public const int DaysPerMonth = 30;

    public static OptionCost For(int monthlyYen, DateOnly startsOn)
    {
        var days = Math.Min(DaysPerMonth, DateTime.DaysInMonth(startsOn.Year, startsOn.Month) - startsOn.Day + 1);
        return new OptionCost(monthlyYen, startsOn, days, (int)((long)monthlyYen * days / DaysPerMonth));
    }
}
