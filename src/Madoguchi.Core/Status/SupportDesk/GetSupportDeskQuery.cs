using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Status.SupportDesk;

/// <summary>The support desk for everyone (the public status page): hours, closures that have not ended yet, and whether
/// it is open now and when it next opens.</summary>
public sealed class GetSupportDeskQuery(MadoguchiDbContext db, IOptions<SupportDeskOptions> options, TimeProvider time)
{
    public async Task<SupportDeskView> HandleAsync(CancellationToken ct)
    {
        var calendar = await SupportCalendarLoader.LoadAsync(db, options.Value, ct);
        var now = time.GetUtcNow().UtcDateTime;
        var today = calendar.Calendar.LocalDate(now);
        return calendar.View(now, calendar.Closures.Where(c => c.LastDay >= today));
    }
}

/// <summary>The operator's view: every closure, and the answer at any instant (<c>at</c>), to check a calendar before it matters.</summary>
public sealed class GetSupportCalendarQuery(MadoguchiDbContext db, IOptions<SupportDeskOptions> options, TimeProvider time)
{
    public async Task<Result<SupportDeskView>> HandleAsync(Actor actor, DateTimeOffset? at, CancellationToken ct)
    {
        if (OperatorsOnly.Refuse(actor) is { } refused)
            return refused;
        var calendar = await SupportCalendarLoader.LoadAsync(db, options.Value, ct);
        return calendar.View(at is { } given ? given.UtcDateTime : time.GetUtcNow().UtcDateTime, calendar.Closures);
    }
}

internal sealed record SupportCalendarLoader(string TimeZone, SupportCalendar Calendar, IReadOnlyList<SupportHours> Hours, IReadOnlyList<SupportClosure> Closures)
{
    public static async Task<SupportCalendarLoader> LoadAsync(MadoguchiDbContext db, SupportDeskOptions options, CancellationToken ct)
    {
        var hours = await db.SupportHours.AsNoTracking().ToListAsync(ct);
        var closures = await db.SupportClosures.AsNoTracking().ToListAsync(ct);
        hours = [.. hours.OrderBy(h => ((int)h.Day + 6) % 7).ThenBy(h => h.OpensMinute)];
        closures = [.. closures.OrderBy(c => c.FirstDay).ThenBy(c => c.LastDay)];
        var calendar = new SupportCalendar(
            hours.Select(h => new WeeklyRange(h.Day, h.OpensMinute, h.ClosesMinute)),
            closures.Select(c => new ClosedDays(c.FirstDay, c.LastDay, c.Label)),
            TimeZones.Find(options.TimeZone));
        return new SupportCalendarLoader(options.TimeZone, calendar, hours, closures);
    }

    public SupportDeskView View(DateTime at, IEnumerable<SupportClosure> closures) =>
        new(TimeZone, at, Calendar.At(at), [.. Hours.Select(SupportHoursView.From)], [.. closures.Select(SupportClosureView.From)]);
}
