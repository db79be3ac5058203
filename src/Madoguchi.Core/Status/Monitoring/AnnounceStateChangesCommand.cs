using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Status.Monitoring;

/// <summary>Tells every operator when a component's probed state changes: an alert when it leaves "operational" (or moves
/// between outage states), a recovery notice when it returns. Alerts about one component are throttled
/// (<see cref="MonitoringOptions.AlertThrottle"/>): a change inside the window is held, and announced on the first round
/// after the window if the state still differs from what operators were last told, so a flapping component cannot flood
/// the console and a lasting outage is never left unsaid. Recovery is announced at once. With the installation's SMTP
/// settings (<see cref="AlertMailOptions"/>) each announcement also becomes one <see cref="AlertEmail"/>, saved with the
/// notices; <see cref="SendAlertEmailsCommand"/> sends it after the round.</summary>
public sealed class AnnounceStateChangesCommand(MadoguchiDbContext db, IOptions<MonitoringOptions> options, IOptions<AlertMailOptions> mail,
    ILogger<AnnounceStateChangesCommand> logger)
{
    public async Task HandleAsync(IReadOnlyDictionary<StatusComponent, ProbeReading> readings, DateTime now, CancellationToken ct)
    {
        var known = await db.ComponentAlertStates.ToDictionaryAsync(s => s.Component, ct);
        List<Guid>? operators = null;
        foreach (var (component, reading) in readings.OrderBy(r => r.Key))
        {
            if (!known.TryGetValue(component, out var told))
            {
                told = new ComponentAlertState { Component = component, AnnouncedState = ComponentState.Operational };
                db.ComponentAlertStates.Add(told);
            }
            if (reading.State == told.AnnouncedState)
                continue;
            var recovery = reading.State == ComponentState.Operational;
            if (!recovery && told.LastAlertAt is { } last && now - last < options.Value.AlertThrottle)
            {
                MonitoringLog.AlertThrottled(logger, component, reading.State, last);
                continue;
            }
            operators ??= await db.Operators.AsNoTracking().Select(o => o.Id).ToListAsync(ct);
            var detail = reading.Detail.Length > 500 ? reading.Detail[..500] : reading.Detail;
            foreach (var id in operators)
                db.OperatorAlerts.Add(new OperatorAlert
                {
                    OperatorId = id, Component = component, State = reading.State, PreviousState = told.AnnouncedState,
                    Detail = detail, CreatedAt = now,
                });
            if (mail.Value.Enabled)
                db.AlertEmails.Add(new AlertEmail { Component = component, State = reading.State, PreviousState = told.AnnouncedState, Detail = detail, CreatedAt = now });
            if (recovery)
                MonitoringLog.Recovered(logger, component, told.AnnouncedState, operators.Count);
            else
                MonitoringLog.Alerted(logger, component, reading.State, told.AnnouncedState, operators.Count);
            told.AnnouncedState = reading.State;
            if (!recovery)
                told.LastAlertAt = now;
        }
        await db.SaveChangesAsync(ct);
    }
}
