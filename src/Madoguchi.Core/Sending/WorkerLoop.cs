namespace Madoguchi.Core.Sending;

/// <summary>The loop of the sending workers (<see cref="OutboxWorker"/>, <see cref="SentCopies.SentCopyWorker"/>): a pass;
/// when it found nothing to do, sleep until woken (<see cref="WakeSignal"/>) or the poll interval has passed; a failed pass
/// is logged and the next one comes; the loop ends with the host.</summary>
internal static class WorkerLoop
{
    public static async Task RunAsync(Func<CancellationToken, Task<bool>> pass, WakeSignal wake, TimeSpan pollInterval, Action<Exception> passFailed,
        CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var worked = false;
            try
            {
                worked = await pass(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                passFailed(e);
            }
            if (!worked)
            {
                try
                {
                    await wake.WaitAsync(pollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}

/// <summary>Wakes a worker at once instead of at its next poll; wakes that come while it works count as one.</summary>
public abstract class WakeSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    protected void Wake()
    {
        try
        {
            if (_signal.CurrentCount == 0)
                _signal.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
