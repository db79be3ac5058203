namespace Madoguchi.Core.Status.SupportDesk;

/// <summary>One range of weekly hours as the policy sees it (minutes since local midnight, close up to 1440).</summary>
public sealed record WeeklyRange(DayOfWeek Day, int OpensMinute, int ClosesMinute);

/// <summary>Closed days, first and last included, in the desk's zone.</summary>
public sealed record ClosedDays(DateOnly FirstDay, DateOnly LastDay, string Label)
{
    public bool Covers(DateOnly day) => FirstDay <= day && day <= LastDay;
}

/// <summary>The desk's answer at one instant: open now (until when), or closed (when it next opens, and the closure's
/// label when today is inside one). Instants are UTC; <see cref="NextOpensAt"/> is null when the desk never opens.</summary>
public sealed record SupportDeskAnswer(bool IsOpen, DateTime? OpenUntil, DateTime? NextOpensAt, string? ClosedFor);

/// <summary>Answers "is support open now?" and "when does it next open?" from weekly hours, closed days and a time zone.
/// Pure: no clock, no database. Every day's ranges are turned into UTC instants with that day's offset, so hours stay
/// 09:00 local across a DST change; a local time that does not exist (the spring-forward gap) moves to the first one
/// after it, and an ambiguous one (fall-back) counts in standard time.</summary>
public sealed class SupportCalendar
{
    /// <summary>How far ahead "next opens" looks beyond the last closure: more than a week, so any weekly hours are found.</summary>
    private const int LookAheadDays = 8;

    /// <summary>The longest search, so a calendar with closures years ahead still answers in bounded time.</summary>
    private const int MaxSearchDays = 3 * 366;

    private readonly ILookup<DayOfWeek, WeeklyRange> _hours;
    private readonly IReadOnlyList<ClosedDays> _closures;

    public SupportCalendar(IEnumerable<WeeklyRange> hours, IEnumerable<ClosedDays> closures, TimeZoneInfo zone)
    {
        _hours = hours.OrderBy(h => h.OpensMinute).ToLookup(h => h.Day);
        _closures = [.. closures];
        Zone = zone;
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>The calendar date in the desk's zone at a UTC instant.</summary>
    public DateOnly LocalDate(DateTime utc) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(ToUtc(utc), Zone));

    /// <summary>The closure covering a date of the desk's zone, if any.</summary>
    public ClosedDays? ClosureOn(DateOnly day) => _closures.FirstOrDefault(c => c.Covers(day));

    public SupportDeskAnswer At(DateTime utcNow)
    {
        var now = ToUtc(utcNow);
        var today = LocalDate(now);
        var closedFor = ClosureOn(today)?.Label;
        DateTime? openUntil = null;
        foreach (var (start, end) in OpenIntervals(today))
        {
            if (end <= now)
                continue;
            if (openUntil is { } until)
            {
                // Ranges that touch (12:00–13:00 after 09:00–12:00, or 24:00 and the next day's 00:00) are one stretch.
                if (start > until)
                    break;
                openUntil = end > until ? end : until;
                continue;
            }
            if (start <= now)
            {
                openUntil = end;
                continue;
            }
            return new SupportDeskAnswer(false, null, start, closedFor);
        }
        return openUntil is null ? new SupportDeskAnswer(false, null, null, closedFor) : new SupportDeskAnswer(true, openUntil, null, null);
    }

    /// <summary>Open intervals in UTC, in order, from <paramref name="firstDay"/> on, skipping closed days.</summary>
    private IEnumerable<(DateTime Start, DateTime End)> OpenIntervals(DateOnly firstDay)
    {
        var lastClosure = _closures.Count == 0 ? firstDay : _closures.Max(c => c.LastDay);
        var lastDay = (lastClosure > firstDay ? lastClosure : firstDay).AddDays(LookAheadDays);
        if (lastDay.DayNumber - firstDay.DayNumber > MaxSearchDays)
            lastDay = firstDay.AddDays(MaxSearchDays);
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            if (ClosureOn(day) is not null)
                continue;
            foreach (var range in _hours[day.DayOfWeek])
            {
                var start = LocalToUtc(day, range.OpensMinute);
                var end = LocalToUtc(day, range.ClosesMinute);
                if (end > start)
                    yield return (start, end);
            }
        }
    }

    private DateTime LocalToUtc(DateOnly day, int minute)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified).AddMinutes(minute);
        while (Zone.IsInvalidTime(local))
            local = local.AddMinutes(1);
        return TimeZoneInfo.ConvertTimeToUtc(local, Zone);
    }

    private static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };
}
