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
}
