using Madoguchi.Core.Common;

namespace Madoguchi.Core.Accounts;

/// <summary>Time zones are IANA ids ("Asia/Tokyo", "Europe/Berlin", "UTC") checked against the system's tz database;
/// every time is stored in UTC and converted only for showing it, or for finding where a user's day starts.</summary>
public static class TimeZones
{
    public const string Default = "Asia/Tokyo";
    public const int MaxLength = 64;

    public static Error? Check(string? id) =>
        id is { Length: > 0 and <= MaxLength } && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) && zone.HasIanaId
            ? null
            : new Error(ErrorKind.Invalid, "invalid_time_zone", "The time zone must be an IANA time zone id such as Asia/Tokyo or UTC.");

    /// <summary>The zone with this id; the default zone when the id is unknown (e.g. a tz database without it).</summary>
    public static TimeZoneInfo Find(string? id) =>
        id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone
        : TimeZoneInfo.TryFindSystemTimeZoneById(Default, out var fallback) ? fallback : TimeZoneInfo.Utc;

    /// <summary>The UTC instant at which the day that contains <paramref name="utcNow"/> began in <paramref name="zone"/>.</summary>
    public static DateTime StartOfDayUtc(DateTime utcNow, TimeZoneInfo zone) => StartOfDateUtc(DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utcNow, zone)), zone);

    /// <summary>The UTC instant at which a calendar date begins in a zone (the first valid local time of that date).</summary>
    public static DateTime StartOfDateUtc(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
            local = local.AddMinutes(15);
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }
}
