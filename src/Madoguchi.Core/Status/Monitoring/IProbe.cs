namespace Madoguchi.Core.Status.Monitoring;

/// <summary>One component's probe. A probe reads and measures; it never changes what users see. A probe that throws or
/// overruns <see cref="MonitoringOptions.ProbeTimeout"/> counts as a major outage of its component.</summary>
public interface IProbe
{
    StatusComponent Component { get; }

    Task<ProbeReading> RunAsync(IServiceProvider services, DateTime now, CancellationToken ct);
}
