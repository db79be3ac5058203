using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Madoguchi.Core.Accounts;
using Madoguchi.Core.Data;
using Madoguchi.Core.Status.Incidents;
using Madoguchi.Core.Status.Maintenance;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Status.Summary;

/// <summary>Reads what the status page shows: each component's latest probe result, unresolved and recent incidents, running and
/// coming maintenance, and the daily uptime of the window; applies <see cref="EffectiveStates"/>. Callers go through
/// <see cref="StatusSummaryCache"/>, not here, so many visitors cost one computation.</summary>
public sealed class BuildStatusSummaryQuery(MadoguchiDbContext db, UptimeHistory uptime, IOptions<StatusPageOptions> options, TimeProvider time)
{
    private const int MaxRecentIncidents = 100;

    public async Task<StatusSummary> HandleAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var zone = TimeZones.Find(settings.TimeZone);
        var now = time.GetUtcNow().UtcDateTime;
        var windowStart = TimeZones.StartOfDateUtc(UptimeCalculator.DateIn(now, zone).AddDays(1 - settings.UptimeDays), zone);

        var latest = new Dictionary<StatusComponent, (ComponentState, DateTime)>();
        foreach (var component in Enum.GetValues<StatusComponent>())
        {
            var row = await db.ProbeResults.AsNoTracking().Where(p => p.Component == component).OrderByDescending(p => p.CheckedAt)
                .Select(p => new { p.State, p.CheckedAt }).FirstOrDefaultAsync(ct);
            if (row is not null)
                latest[component] = (row.State, row.CheckedAt);
        }
        var incidents = (await db.Set<Incident>().AsNoTracking().AsSplitQuery()
                .Where(i => i.ResolvedAt == null || i.ResolvedAt >= windowStart)
                .OrderByDescending(i => i.CreatedAt).Take(MaxRecentIncidents).ToListAsync(ct))
            .Select(IncidentView.From).ToList();
        var maintenances = (await db.Set<MaintenanceWindow>().AsNoTracking().Where(m => m.EndsAt > now && m.CancelledAt == null)
                .OrderBy(m => m.StartsAt).ToListAsync(ct))
            .Select(m => MaintenanceView.From(m, now)).ToList();
        var days = await uptime.GetAsync(db, zone, settings.UptimeDays, settings.MaxProbeGap, now, ct);

        var states = EffectiveStates.Resolve(latest, incidents, maintenances, now);
        var components = states.Select(s =>
        {
            var bars = days[s.Component].Select(d => new UptimeBar(d, IncidentsOn(incidents, s.Component, d.Date, zone, now))).ToList();
            return new ComponentSummary(s.Component, s.State, s.Source, s.CheckedAt, bars, UptimeCalculator.Overall(days[s.Component]));
        }).ToList();
        var active = incidents.Where(i => i.IsActive).ToList();
        var indicator = EffectiveStates.Overall(states, active);
        return new StatusSummary(settings.Name, zone.Id, now, VersionOf(indicator, components, incidents, maintenances), indicator, components, active, incidents, maintenances);
    }

    private static List<IncidentRef> IncidentsOn(List<IncidentView> incidents, StatusComponent component, DateOnly date, TimeZoneInfo zone, DateTime now)
    {
        var start = TimeZones.StartOfDateUtc(date, zone);
        var end = TimeZones.StartOfDateUtc(date.AddDays(1), zone);
        return [.. incidents.Where(i => i.Components.Any(c => c.Component == component) && i.CreatedAt < end && (i.ResolvedAt ?? now) >= start)
            .OrderBy(i => i.CreatedAt).Select(i => new IncidentRef(i.Id, i.Title, i.Impact))];
    }

    /// <summary>A short hash of what the page shows (not of when it was computed): the ETag of the page and the JSON.</summary>
    private static string VersionOf(StatusIndicator indicator, List<ComponentSummary> components, List<IncidentView> incidents, List<MaintenanceView> maintenances)
    {
        var text = new StringBuilder().Append(indicator);
        foreach (var c in components)
        {
            text.Append('|').Append(c.Component).Append(c.State).Append(c.Source);
            foreach (var bar in c.Bars)
                text.Append(',').Append(bar.Day.Percent?.ToString("F3", CultureInfo.InvariantCulture)).Append(bar.Incidents.Count);
        }
        foreach (var i in incidents)
            text.Append('|').Append(i.Id).Append(i.UpdatedAt.Ticks).Append(i.Updates.Count);
        foreach (var m in maintenances)
            text.Append('|').Append(m.Id).Append(m.Status).Append(m.EndsAt.Ticks);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..20];
    }
}
