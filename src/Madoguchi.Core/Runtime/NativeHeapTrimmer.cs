using Microsoft.Extensions.Hosting;

namespace Madoguchi.Core.Runtime;

/// <summary>Gives the C allocator's freed memory back to the system every few seconds (<see cref="NativeHeap.Trim"/>): a
/// trim takes about a millisecond, and freed memory otherwise stays counted against the process until it is reused.</summary>
internal sealed class NativeHeapTrimmer(TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

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
