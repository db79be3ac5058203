using System.Globalization;
using Madoguchi.Core.Accounts;

namespace Madoguchi.Web.Ui.Operator;

/// <summary>Operators type instants in the desk's zone as "yyyy-MM-dd HH:mm"; Core takes UTC.</summary>
public static class DeskTime
{
    public const string Format = "yyyy-MM-dd HH:mm";

    /// <summary>The UTC instant of a desk-zone time; null when the text is not in <see cref="Format"/>. A time inside a
    /// spring-forward gap moves to the first minute after it.</summary>
    public static DateTime? ToUtc(string? text, string timeZone)
    {
        if (!DateTime.TryParseExact(text?.Trim(), Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return null;
        var zone = TimeZones.Find(timeZone);
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
            local = local.AddMinutes(1);
        return TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    public static string FromUtc(DateTime utc, string timeZone) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZones.Find(timeZone)).ToString(Format, CultureInfo.InvariantCulture);
}
