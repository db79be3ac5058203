using System.Globalization;
using Madoguchi.Core.Accounts;
using Madoguchi.Core.Status.SupportDesk;
using Microsoft.Extensions.Localization;

namespace Madoguchi.Web.Ui.Help;

/// <summary>How the support desk reads: times in the desk's zone, in the page's language.</summary>
public static class SupportDeskText
{
    private static bool IsJapanese => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "ja";

    /// <summary>"2026年12月1日(火) 09:00" / "Tue 1 Dec 2026 09:00", in the desk's zone.</summary>
    public static string Moment(DateTime utc, string timeZone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZones.Find(timeZone));
        return IsJapanese
            ? local.ToString("yyyy年M月d日(ddd) HH:mm", CultureInfo.GetCultureInfo("ja-JP"))
            : local.ToString("ddd d MMM yyyy HH:mm", CultureInfo.GetCultureInfo("en-GB"));
    }

    public static string Day(DateOnly day) => IsJapanese
        ? day.ToString("yyyy年M月d日(ddd)", CultureInfo.GetCultureInfo("ja-JP"))
        : day.ToString("ddd d MMM yyyy", CultureInfo.GetCultureInfo("en-GB"));

    public static string Days(SupportClosureView closure) =>
        closure.FirstDay == closure.LastDay ? Day(closure.FirstDay) : $"{Day(closure.FirstDay)} – {Day(closure.LastDay)}";

    /// <summary>Open now until …, closed (for a holiday) and opening at …, or never opening.</summary>
    public static string Now(IStringLocalizer<HelpStrings> h, SupportDeskView desk)
    {
        var answer = desk.Answer;
        if (answer.IsOpen)
            return h["Desk_OpenNow", Moment(answer.OpenUntil!.Value, desk.TimeZone)];
        var closed = answer.ClosedFor is { } label ? h["Desk_ClosedFor", label].Value : h["Desk_ClosedNow"].Value;
        return answer.NextOpensAt is { } next ? $"{closed} — {h["Desk_NextOpens", Moment(next, desk.TimeZone)]}" : $"{closed} — {h["Desk_NeverOpens"]}";
    }

    /// <summary>Monday first, as a Japanese or European week reads.</summary>
    public static IReadOnlyList<DayOfWeek> Week { get; } =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];

    public static string HoursOf(IStringLocalizer<HelpStrings> h, SupportDeskView desk, DayOfWeek day)
    {
        var ranges = desk.Hours.Where(r => r.Day == day).Select(r => $"{r.Opens}–{r.Closes}").ToList();
        return ranges.Count == 0 ? h["Desk_ClosedDay"] : string.Join(", ", ranges);
    }

    public static string ErrorText(IStringLocalizer<HelpStrings> h, Core.Common.Error error)
    {
        var text = h["Error_" + error.Code];
        return text.ResourceNotFound ? h["Error_Unknown"] : text;
    }
}
