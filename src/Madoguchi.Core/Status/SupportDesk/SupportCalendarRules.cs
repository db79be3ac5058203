using System.Globalization;
using Madoguchi.Core.Common;

namespace Madoguchi.Core.Status.SupportDesk;

/// <summary>What the operator may write into the calendar, and the "HH:mm" form times travel in.</summary>
public static class SupportCalendarRules
{
    public const int MaxLabelLength = 100;
    public const int MaxRangesPerDay = 6;
    public const int MaxClosureDays = 366;
    public const int MinutesPerDay = 24 * 60;

    /// <summary>"09:00" → 540; "24:00" (the end of the day, for a closing time) → 1440; anything else → null.</summary>
    public static int? ParseTime(string? text)
    {
        if (text is null || text.Length != 5 || text[2] != ':')
            return null;
        if (!int.TryParse(text.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
            || !int.TryParse(text.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes))
            return null;
        if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0))
            return null;
        return (hours * 60) + minutes;
    }

    public static string FormatTime(int minute) => string.Create(CultureInfo.InvariantCulture, $"{minute / 60:00}:{minute % 60:00}");

    /// <summary>Each range opens before it closes, within the day; ranges of one day do not overlap; a few per day at most.</summary>
    public static Result<IReadOnlyList<WeeklyRange>> CheckHours(IEnumerable<SupportHoursInput>? hours)
    {
        var ranges = new List<WeeklyRange>();
        foreach (var input in hours ?? [])
        {
            if (input is null || !Enum.IsDefined(input.Day))
                return new Error(ErrorKind.Invalid, "invalid_day", "day must be a weekday name such as monday.");
            var opens = ParseTime(input.Opens);
            var closes = ParseTime(input.Closes);
            if (opens is null || closes is null || opens >= MinutesPerDay)
                return new Error(ErrorKind.Invalid, "invalid_time", "opens and closes are times such as 09:00 and 17:30 (closes may be 24:00).");
            if (closes <= opens)
                return new Error(ErrorKind.Invalid, "closes_before_opens", $"On {input.Day} a range closes ({input.Closes}) before it opens ({input.Opens}).");
            ranges.Add(new WeeklyRange(input.Day, opens.Value, closes.Value));
        }
        foreach (var day in ranges.GroupBy(r => r.Day))
        {
            if (day.Count() > MaxRangesPerDay)
                return new Error(ErrorKind.Invalid, "too_many_ranges", $"At most {MaxRangesPerDay} ranges per day.");
            var ordered = day.OrderBy(r => r.OpensMinute).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                if (ordered[i].OpensMinute < ordered[i - 1].ClosesMinute)
                    return new Error(ErrorKind.Invalid, "ranges_overlap", $"Two ranges on {day.Key} overlap.");
            }
        }
        return ranges;
    }

    public static Error? CheckClosure(string? label, DateOnly firstDay, DateOnly lastDay, SupportClosureKind kind)
    {
        if (!Enum.IsDefined(kind))
            return new Error(ErrorKind.Invalid, "invalid_kind", "kind must be holiday or oneOff.");
        if (string.IsNullOrWhiteSpace(label) || label.Trim().Length > MaxLabelLength || label.Any(char.IsControl))
            return new Error(ErrorKind.Invalid, "invalid_label", $"label is required, one line of at most {MaxLabelLength} characters.");
        if (lastDay < firstDay)
            return new Error(ErrorKind.Invalid, "last_day_before_first", "lastDay must be on or after firstDay.");
        if (lastDay.DayNumber - firstDay.DayNumber + 1 > MaxClosureDays)
            return new Error(ErrorKind.Invalid, "closure_too_long", $"A closure lasts at most {MaxClosureDays} days.");
        return null;
    }
}

/// <summary>One range as the API and the console send it: <c>{"day": "monday", "opens": "09:00", "closes": "12:00"}</c>.</summary>
public sealed record SupportHoursInput(DayOfWeek Day, string? Opens, string? Closes);
