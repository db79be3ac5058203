using System.Collections.Concurrent;
using Madoguchi.Core.Accounts;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Status.Summary;

/// <summary>Daily uptime per component from the stored probe results. A day that has ended cannot change any more (probes
/// only write "now"), so its figures are kept in memory and only the current day is read again: the first summary after start
/// reads the whole window once, later ones read a day.</summary>
public sealed class UptimeHistory
{
    private readonly ConcurrentDictionary<(string Zone, TimeSpan Gap, StatusComponent Component, DateOnly Date), UptimeDay> _finished = new();

    public async Task<IReadOnlyDictionary<StatusComponent, IReadOnlyList<UptimeDay>>> GetAsync(MadoguchiDbContext db, TimeZoneInfo zone, int days,
        TimeSpan maxGap, DateTime now, CancellationToken ct)
    {
        var today = UptimeCalculator.DateIn(now, zone);
        var dates = Enumerable.Range(0, days).Select(i => today.AddDays(i - days + 1)).ToList();
        var components = Enum.GetValues<StatusComponent>();
        var missing = dates.Where(d => d == today || components.Any(c => !_finished.ContainsKey((zone.Id, maxGap, c, d)))).ToList();
        var from = TimeZones.StartOfDateUtc(missing.Min(), zone) - maxGap;
        var rows = await db.ProbeResults.AsNoTracking()
            .Where(p => p.CheckedAt >= from && p.CheckedAt <= now)
            .OrderBy(p => p.CheckedAt)
            .Select(p => new { p.Component, p.State, p.CheckedAt })
            .ToListAsync(ct);
        var byComponent = rows.GroupBy(r => r.Component).ToDictionary(g => g.Key, g => (IReadOnlyList<ProbePoint>)[.. g.Select(r => new ProbePoint(r.CheckedAt, r.State))]);

        var result = new Dictionary<StatusComponent, IReadOnlyList<UptimeDay>>();
        foreach (var component in components)
        {
            var points = byComponent.GetValueOrDefault(component) ?? [];
            var list = new List<UptimeDay>(dates.Count);
            foreach (var date in dates)
            {
                var key = (zone.Id, maxGap, component, date);
                if (_finished.TryGetValue(key, out var cached))
                {
                    list.Add(cached);
                    continue;
                }
                var day = UptimeCalculator.Day(points, date, zone, now, maxGap);
                if (TimeZones.StartOfDateUtc(date.AddDays(1), zone) <= now)
                    _finished[key] = day;
                list.Add(day);
            }
            result[component] = list;
        }
        var oldest = dates[0];
        foreach (var stale in _finished.Keys.Where(k => k.Date < oldest || k.Zone != zone.Id || k.Gap != maxGap))
            _finished.TryRemove(stale, out _);
        return result;
    }
}
