using Madoguchi.Core.Receiving.Fetching;

namespace Madoguchi.Tests.Receiving;

public sealed class CommitInFlightTests
{
    [Fact]
    public async Task Commits_RunOneAtATimeInOrder_BesideTheCaller()
    {
        var commits = new CommitInFlight();
        var order = new List<int>();
        var running = 0;
        var overlapped = false;
        var firstMayEnd = new TaskCompletionSource();

        await commits.StartAsync(async () =>
        {
            overlapped |= Interlocked.Increment(ref running) > 1;
            await firstMayEnd.Task;
            lock (order)
                order.Add(1);
            Interlocked.Decrement(ref running);
        }, CancellationToken.None);
        // The caller goes on (the next batch's fetch) while the first commit is still running.
        Assert.False(commits.WaitAsync().IsCompleted);

        var second = commits.StartAsync(async () =>
        {
            overlapped |= Interlocked.Increment(ref running) > 1;
            await Task.Yield();
            lock (order)
                order.Add(2);
            Interlocked.Decrement(ref running);
        }, CancellationToken.None);
        Assert.False(second.IsCompleted); // waits for the first commit before starting
        firstMayEnd.SetResult();
        await second;
        await commits.WaitAsync();

        Assert.Equal([1, 2], order);
        Assert.False(overlapped);
    }

    [Fact]
    public async Task FailedCommit_SurfacesAtTheNextStartAndAtWait_QuietWaitSwallowsIt()
    {
        var commits = new CommitInFlight();
        await commits.StartAsync(() => throw new InvalidOperationException("disk full"), CancellationToken.None);

        var next = 0;
        var atStart = await Assert.ThrowsAsync<InvalidOperationException>(() => commits.StartAsync(() => Task.FromResult(next++), CancellationToken.None));
        Assert.Equal("disk full", atStart.Message);
        Assert.Equal(0, next); // the next batch's commit never ran
        await Assert.ThrowsAsync<InvalidOperationException>(commits.WaitAsync);
        await commits.WaitQuietlyAsync();
    }
}
