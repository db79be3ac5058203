using System.Globalization;
using Madoguchi.Core.Accounts;
using Madoguchi.Core.Status;
using Madoguchi.Core.Status.Summary;
using Microsoft.Extensions.Localization;

namespace Madoguchi.Web.Ui.Status;

/// <summary>Words and times of the status page and console, in the page's language and the status page's time zone.</summary>
public static class StatusText
{
    public static string Component(IStringLocalizer<StatusStrings> s, StatusComponent component) => s["Component_" + component];

    public static string State(IStringLocalizer<StatusStrings> s, ComponentState state) => s["State_" + state];

    public static string Overall(IStringLocalizer<StatusStrings> s, StatusIndicator indicator) => s["Overall_" + indicator];

    /// <summary>A UTC time in the page's zone, to the minute.</summary>
    public static string Time(DateTime utc, string zoneId) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZones.Find(zoneId)).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Percent(double value) => value.ToString(value >= 99.995 || value < 0.005 ? "0" : "0.00", CultureInfo.InvariantCulture) + "%";

    /// <summary>The CSS class of an uptime bar: no data, full, small dent, clear dent, outage day.</summary>
    public static string BarClass(UptimeDay day) => day.Percent switch
    {
        null => "sp-bar sp-nodata",
        >= 99.95 => "sp-bar sp-ok",
        >= 99 => "sp-bar sp-minor",
        >= 90 => "sp-bar sp-major",
        _ => "sp-bar sp-critical",
    };

    public static string StateClass(ComponentState state) => state switch
    {
        ComponentState.Operational => "sp-state sp-s-ok",
        ComponentState.DegradedPerformance => "sp-state sp-s-minor",
        ComponentState.PartialOutage => "sp-state sp-s-major",
        ComponentState.MajorOutage => "sp-state sp-s-critical",
        _ => "sp-state sp-s-maintenance",
    };

    /// <summary>What an uptime bar says on hover, focus and to screen readers: date, figure, incidents.</summary>
    public static string BarLabel(IStringLocalizer<StatusStrings> s, UptimeBar bar)
    {
        var figure = bar.Day.Percent is { } p ? s["Uptime_Overall", Percent(p)].Value : s["Uptime_NoData"].Value;
        var text = s["Uptime_Day", bar.Day.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), figure].Value;
        return bar.Incidents.Count == 0 ? text : text + " — " + s["Uptime_DayIncidents", string.Join(" / ", bar.Incidents.Select(i => i.Title))].Value;
    }
}
