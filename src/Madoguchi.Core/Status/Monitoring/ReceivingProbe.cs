using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Status.Monitoring;

/// <summary>Receiving, from what every fetch pass leaves on its server row (the same fields as 受信状況,
/// <c>GetReceiveStatusQuery</c>, across all accounts): the share of receive servers whose last pass succeeded, servers
/// stalled beyond a few poll intervals (nobody fetches them), and the inbound pipeline's backlog. A server failing on its
/// owner's own settings (wrong password, missing folder, untrusted certificate …) is the customer's to fix, not an outage
/// of the service: it is left out of the share.</summary>
public sealed class ReceivingProbe(IOptions<MonitoringOptions> options) : IProbe
{
    /// <summary>Last errors that say a customer's settings are wrong, not that fetching is broken.</summary>
    public static readonly IReadOnlySet<string> SettingsErrors = new HashSet<string>(StringComparer.Ordinal)
    {
        ReceiveErrorCode.AuthenticationFailed, ReceiveErrorCode.FolderMissing, ReceiveErrorCode.NotMailServer,
        ReceiveErrorCode.CertificateUntrusted, ReceiveErrorCode.CertificateNameMismatch, ReceiveErrorCode.CertificateExpired,
        ReceiveErrorCode.TlsRequired, ReceiveErrorCode.StartTlsUnsupported,
    };

    /// <summary>Last errors that are not failures of the server (another pass or instance was busy with it).</summary>
    private static readonly IReadOnlySet<string> NotFailures = new HashSet<string>(StringComparer.Ordinal) { ReceiveErrorCode.Busy, ReceiveErrorCode.LeaseLost };

    public StatusComponent Component => StatusComponent.Receiving;

    public async Task<ProbeReading> RunAsync(IServiceProvider services, DateTime now, CancellationToken ct)
    {
        var db = services.GetRequiredService<MadoguchiDbContext>();
        var t = options.Value.Receiving;
        var servers = await db.ReceiveServers.AsNoTracking()
            .Select(s => new { s.PollSeconds, s.CreatedAt, s.LastAttemptAt, s.ProgressAt, s.LastErrorCode })
            .ToListAsync(ct);
        int counted = 0, failing = 0, stalled = 0;
        foreach (var s in servers)
        {
            if (s.LastErrorCode is { } code && SettingsErrors.Contains(code))
                continue;
            counted++;
            // The latest sign of life: a pass starting, a batch committing, or the server being added.
            var seen = new[] { s.CreatedAt, s.LastAttemptAt ?? DateTime.MinValue, s.ProgressAt ?? DateTime.MinValue }.Max();
            if (now - seen > TimeSpan.FromSeconds((double)Math.Max(1, s.PollSeconds) * t.StalledAfterPollIntervals))
            {
                stalled++;
                failing++;
            }
            else if (s.LastErrorCode is { } error && !NotFailures.Contains(error))
            {
                failing++;
            }
        }
        var backlog = await db.RawMessages.LongCountAsync(m => m.ProcessedAt == null && m.ProcessingError == null, ct);
        return ProbeThresholds.Receiving(counted, failing, stalled, backlog, t);
    }
}
