using System.Diagnostics;

namespace Madoguchi.Core.Telemetry;

/// <summary>The <c>Madoguchi</c> activity source: one span per fetch pass and per inbound pipeline batch. Nobody listens
/// unless the host exports traces (OTLP configured), so starting a span costs nothing otherwise. Attributes follow
/// <see cref="MadoguchiMetrics"/>'s rule: protocol, counts and stable codes only.</summary>
public static class MadoguchiTracing
{
    public const string SourceName = "Madoguchi";

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>Starts a span of its own trace, even inside an HTTP request ("fetch now"): requests are not traced, so as
    /// their child the span would follow their unsampled parent and be dropped. Call it from the async method whose
    /// work the span covers: Activity.Current is cleared for that method only.</summary>
    public static Activity? StartRoot(string name)
    {
        if (!Source.HasListeners())
            return null;
        Activity.Current = null;
        return Source.StartActivity(name, ActivityKind.Internal);
    }
}
