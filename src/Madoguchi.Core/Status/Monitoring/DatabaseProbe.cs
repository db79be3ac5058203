using System.Diagnostics;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Status.Monitoring;

/// <summary>Database: one round trip (<c>SELECT 1</c>) on a fresh connection from the pool, timed.</summary>
public sealed class DatabaseProbe(IOptions<MonitoringOptions> options) : IProbe
{
    public StatusComponent Component => StatusComponent.Database;

    public async Task<ProbeReading> RunAsync(IServiceProvider services, DateTime now, CancellationToken ct)
    {
        var db = services.GetRequiredService<MadoguchiDbContext>();
        TimeSpan? latency;
        try
        {
            var started = Stopwatch.GetTimestamp();
            await db.Database.ExecuteSqlRawAsync("SELECT 1", ct);
            latency = Stopwatch.GetElapsedTime(started);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            latency = null;
        }
        return ProbeThresholds.Database(latency, options.Value.Database);
    }
}
