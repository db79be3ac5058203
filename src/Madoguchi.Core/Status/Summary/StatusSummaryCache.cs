using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Status.Summary;

/// <summary>One shared <see cref="StatusSummary"/> per instance, recomputed at most every <c>CacheSeconds</c> by one caller
/// while the others keep the previous one; an operator's change (<see cref="Invalidate"/>) makes the next caller recompute at once.
/// Other instances see the change when their copy expires.</summary>
public sealed class StatusSummaryCache(IServiceScopeFactory scopes, IOptions<StatusPageOptions> options, TimeProvider time)
{
    private readonly SemaphoreSlim _computing = new(1, 1);
    private StatusSummary? _current;
    private int _generation;
    private int _computedGeneration = -1;

    /// <summary>Changes whenever an operator changes an incident or a maintenance window here (keys rendered-page caches).</summary>
    public int Generation => Volatile.Read(ref _generation);

    public void Invalidate() => Interlocked.Increment(ref _generation);

    public async Task<StatusSummary> GetAsync(CancellationToken ct)
    {
        if (Fresh(_current) is { } fresh)
            return fresh;
        // While one caller recomputes an expired summary, the others keep answering with the previous one, unless an
        // operator changed something since: then everyone waits for the new one.
        if (!_computing.Wait(0))
        {
            if (_current is { } previous && _computedGeneration == Generation)
                return previous;
            await _computing.WaitAsync(ct);
        }
        try
        {
            if (Fresh(_current) is { } computedMeanwhile)
                return computedMeanwhile;
            var generation = Generation;
            await using var scope = scopes.CreateAsyncScope();
            var summary = await scope.ServiceProvider.GetRequiredService<BuildStatusSummaryQuery>().HandleAsync(ct);
            _current = summary;
            _computedGeneration = generation;
            return summary;
        }
        finally
        {
            _computing.Release();
        }
    }

    private StatusSummary? Fresh(StatusSummary? summary) =>
        summary is not null && _computedGeneration == Generation
        && time.GetUtcNow().UtcDateTime - summary.GeneratedAt < TimeSpan.FromSeconds(options.Value.CacheSeconds)
            ? summary
            : null;
}
