using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Status.Monitoring;

/// <summary>Web responding, checked in-process: how long a work item waits for a thread-pool thread, which is what every
/// HTTP request waits for first. Not an HTTP GET of /healthz on ourselves: behind a reverse proxy or a Unix socket the
/// instance does not know an address it could call, and a call from the process to itself proves no more than this
/// (the outside view belongs to an external monitor calling /healthz). A stopped process writes no result at all.</summary>
public sealed class WebProbe(IOptions<MonitoringOptions> options) : IProbe
{
    public StatusComponent Component => StatusComponent.Web;

    public async Task<ProbeReading> RunAsync(IServiceProvider services, DateTime now, CancellationToken ct)
    {
        var queued = Stopwatch.GetTimestamp();
        var waited = await Task.Run(() => Stopwatch.GetElapsedTime(queued), ct);
        return ProbeThresholds.Web(waited, options.Value.Web);
    }
}
