using Madoguchi.Core.Common;

namespace Madoguchi.Core.Status.SupportDesk;

public sealed record SupportHoursView(DayOfWeek Day, string Opens, string Closes)
{
    public static SupportHoursView From(SupportHours h) => new(h.Day, SupportCalendarRules.FormatTime(h.OpensMinute), SupportCalendarRules.FormatTime(h.ClosesMinute));
}

public sealed record SupportClosureView(Guid Id, SupportClosureKind Kind, string Label, DateOnly FirstDay, DateOnly LastDay)
{
    public static SupportClosureView From(SupportClosure c) => new(c.Id, c.Kind, c.Label, c.FirstDay, c.LastDay);
}

/// <summary>The desk as the status page and the console show it: zone, weekly hours (by weekday, then time), closures,
/// and the answer at <see cref="At"/> (UTC).</summary>
public sealed record SupportDeskView(string TimeZone, DateTime At, SupportDeskAnswer Answer, IReadOnlyList<SupportHoursView> Hours, IReadOnlyList<SupportClosureView> Closures);

public sealed record SupportNoticeView(Guid Id, string TextJa, string TextEn, DateTime ShownFrom, DateTime ShownUntil, Guid? ClosureId)
{
    public static SupportNoticeView From(SupportNotice n) => new(n.Id, n.TextJa, n.TextEn, n.ShownFrom, n.ShownUntil, n.ClosureId);
}

internal static class OperatorsOnly
{
    /// <summary>The calendar and notices belong to the people running the installation; account users are refused.</summary>
    public static Error? Refuse(Actor actor) => actor.Kind == ActorKind.User
        ? new Error(ErrorKind.Forbidden, "operators_only", "Only the people running this installation can change the support desk.")
        : null;
}
