using Microsoft.Extensions.Logging;

namespace Madoguchi.Core.Status.Monitoring;

/// <summary>Log messages of monitoring, event ids 6000–6099.</summary>
internal static partial class MonitoringLog
{
    [LoggerMessage(6001, LogLevel.Information, "Probe runner started on {InstanceId}, one round every {Interval} across instances")]
    public static partial void RunnerStarted(ILogger logger, string instanceId, TimeSpan interval);

    [LoggerMessage(6002, LogLevel.Debug, "Probe round: {Component} is {State} ({Detail})")]
    public static partial void Probed(ILogger logger, StatusComponent component, ComponentState state, string detail);

    [LoggerMessage(6003, LogLevel.Warning, "Probe of {Component} failed with {Error}; counted as a major outage")]
    public static partial void ProbeCrashed(ILogger logger, StatusComponent component, string error);

    [LoggerMessage(6004, LogLevel.Error, "Probe round failed; the next interval tries again")]
    public static partial void RoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(6005, LogLevel.Warning, "{Component} is now {State} (was {Previous}): {Operators} operators alerted")]
    public static partial void Alerted(ILogger logger, StatusComponent component, ComponentState state, ComponentState previous, int operators);

    [LoggerMessage(6006, LogLevel.Information, "{Component} is {State}; the alert waits for the throttle (last alert at {LastAlertAt:o})")]
    public static partial void AlertThrottled(ILogger logger, StatusComponent component, ComponentState state, DateTime lastAlertAt);

    [LoggerMessage(6007, LogLevel.Information, "{Component} recovered (was {Previous}): {Operators} operators told")]
    public static partial void Recovered(ILogger logger, StatusComponent component, ComponentState previous, int operators);

    [LoggerMessage(6008, LogLevel.Information, "Alert email about {Component} ({State}) sent to {Recipients} recipients")]
    public static partial void AlertMailSent(ILogger logger, StatusComponent component, ComponentState state, int recipients);

    [LoggerMessage(6009, LogLevel.Warning, "Alert email about {Component} ({State}) not sent: {Code} (attempt {Attempt}, given up: {GivenUp})")]
    public static partial void AlertMailNotSent(ILogger logger, StatusComponent component, ComponentState state, string code, int attempt, bool givenUp, Exception exception);

    [LoggerMessage(6010, LogLevel.Error, "Sending alert emails failed; the next round tries again")]
    public static partial void AlertMailsFailed(ILogger logger, Exception exception);

    [LoggerMessage(6011, LogLevel.Warning, "Alert email about {Component} ({State}) has no recipient: no operator address and no Madoguchi:Alerts:Recipients")]
    public static partial void AlertMailNoRecipient(ILogger logger, StatusComponent component, ComponentState state);
}
