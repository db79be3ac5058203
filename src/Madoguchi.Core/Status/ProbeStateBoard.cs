using System.Collections.Concurrent;

namespace Madoguchi.Core.Status;

/// <summary>This instance's latest probe verdict per component, in memory: the probe runner writes it after each round, the
/// metrics gauges read it (a gauge callback must not query the database).</summary>
public sealed class ProbeStateBoard
{
    private readonly ConcurrentDictionary<StatusComponent, LatestProbe> _latest = new();

    public void Update(StatusComponent component, ComponentState state, DateTime checkedAt) =>
        _latest[component] = new LatestProbe(component, state, checkedAt);

    public IReadOnlyList<LatestProbe> Snapshot() => [.. _latest.Values.OrderBy(p => p.Component)];
}

public sealed record LatestProbe(StatusComponent Component, ComponentState State, DateTime CheckedAt);
