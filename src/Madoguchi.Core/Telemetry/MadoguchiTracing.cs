using System.Diagnostics;

namespace Madoguchi.Core.Telemetry;

/// <summary>The <c>Madoguchi</c> activity source: one span per fetch pass and per inbound pipeline batch. Nobody listens
/// unless the host exports traces (OTLP configured), so starting a span costs nothing otherwise. Attributes follow
/// <see cref="MadoguchiMetrics"/>'s rule: protocol, counts and stable codes only.</summary>
public static class MadoguchiTracing
{
    public const string SourceName = "Madoguchi";

    public static ActivitySource Source { get; } = new(SourceName);
}
