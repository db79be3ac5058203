using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Status.Monitoring;

/// <summary>One probe round (the caller holds this interval's lease): every probe in turn, each failing alone; the verdicts
/// go to the in-memory board first (so metrics see a database outage even when the rows cannot be written), then one
/// <see cref="ProbeResult"/> row per component; then operators are told of changes (console notices, and alert emails
/// sent after they are saved) and history older than
/// <see cref="MonitoringOptions.KeepHistory"/> is deleted.</summary>
public sealed class RunProbeRoundCommand(
    IServiceScopeFactory scopes,
    IEnumerable<IProbe> probes,
    ProbeStateBoard board,
    IOptions<MonitoringOptions> options,
    ILogger<RunProbeRoundCommand> logger)
{
    public async Task<IReadOnlyDictionary<StatusComponent, ProbeReading>> HandleAsync(DateTime now, CancellationToken ct)
    {
        var readings = new Dictionary<StatusComponent, ProbeReading>();
        foreach (var probe in probes)
        {
            var reading = await RunOneAsync(probe, now, ct);
            readings[probe.Component] = reading;
            board.Update(probe.Component, reading.State, now);
            MonitoringLog.Probed(logger, probe.Component, reading.State, reading.Detail);
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        foreach (var (component, reading) in readings)
            db.ProbeResults.Add(new ProbeResult { Component = component, State = reading.State, CheckedAt = now, Detail = Trim(reading.Detail) });
        await db.SaveChangesAsync(ct);
        await scope.ServiceProvider.GetRequiredService<AnnounceStateChangesCommand>().HandleAsync(readings, now, ct);
        // Alert emails are saved with the notices; sending them can fail (the relay is down) but never fails the round.
        try
        {
            await scope.ServiceProvider.GetRequiredService<SendAlertEmailsCommand>().HandleAsync(now, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            MonitoringLog.AlertMailsFailed(logger, e);
        }
        var cutoff = now - options.Value.KeepHistory;
        await db.ProbeResults.Where(p => p.CheckedAt < cutoff).ExecuteDeleteAsync(ct);
        await db.OperatorAlerts.Where(a => a.CreatedAt < cutoff && a.ReadAt != null).ExecuteDeleteAsync(ct);
        await db.AlertEmails.Where(a => a.CreatedAt < cutoff && (a.SentAt != null || a.FailedAt != null)).ExecuteDeleteAsync(ct);
        return readings;
    }

    private async Task<ProbeReading> RunOneAsync(IProbe probe, DateTime now, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.ProbeTimeout);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await probe.RunAsync(scope.ServiceProvider, now, timeout.Token).WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            MonitoringLog.ProbeCrashed(logger, probe.Component, "timeout");
            return new ProbeReading(ComponentState.MajorOutage, $"No answer within {options.Value.ProbeTimeout.TotalSeconds:F0} s.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            MonitoringLog.ProbeCrashed(logger, probe.Component, e.GetType().Name);
            return new ProbeReading(ComponentState.MajorOutage, "The probe failed.");
        }
    }

    private static string Trim(string detail) => detail.Length > 500 ? detail[..500] : detail;
}
