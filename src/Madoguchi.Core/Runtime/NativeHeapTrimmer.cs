using Microsoft.Extensions.Hosting;

namespace Madoguchi.Core.Runtime;

/// <summary>Gives the C allocator's freed memory back to the system every few seconds (<see cref="NativeHeap.Trim"/>): freed
/// memory otherwise stays counted against the process until it is reused. Measured: 0.07 ms for a trim with nothing to
/// give back, ~1 ms over a heap full of holes, 35 ms to give back 78 MB of them at once.</summary>
internal sealed class NativeHeapTrimmer(TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (NativeHeap.Trim())
                await Task.Delay(Interval, time, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
