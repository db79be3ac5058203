namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>At most one fetch commit running beside the fetch, in order: the next batch comes over the network while the
/// previous one is flushed to disk and written to the database. Whatever else uses the pass's database context waits
/// for the running commit first (one context, one user at a time).</summary>
internal sealed class CommitInFlight
{
    private Task _running = Task.CompletedTask;

    /// <summary>Waits for the previous commit (its failure surfaces here) and starts this one on the thread pool, so
    /// its synchronous flushes do not hold up the fetch.</summary>
    public async Task StartAsync(Func<Task> commit, CancellationToken ct)
    {
        await _running;
        _running = Task.Run(commit, ct);
    }

    /// <summary>Waits for the running commit; its failure is thrown.</summary>
    public Task WaitAsync() => _running;

    /// <summary>Waits for the running commit after the fetch itself failed: the fetch's error is the one reported, and a
    /// batch whose commit failed is simply fetched again on the next pass.</summary>
    public async Task WaitQuietlyAsync()
    {
        try
        {
            await _running;
        }
        catch (Exception)
        {
            // See above: the pass already fails with the fetch's own error.
        }
    }
}
