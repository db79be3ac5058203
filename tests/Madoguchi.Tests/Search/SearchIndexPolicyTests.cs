using Madoguchi.Core.Search;
using Xunit;

namespace Madoguchi.Tests.Search;

public sealed class SearchIndexPolicyTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public void Receiving_YoungBacklog_IndexerWaits() =>
        Assert.Equal(SearchIndexTurn.Wait, SearchIndexPolicy.Turn(receiving: true, TimeSpan.FromSeconds(5), Limit));

    [Fact]
    public void Receiving_NothingWaiting_IndexerWaits() =>
        Assert.Equal(SearchIndexTurn.Wait, SearchIndexPolicy.Turn(receiving: true, null, Limit));

    [Fact]
    public void Receiving_OldestWaitedTheLimit_IndexerSharesTheTime() =>
        Assert.Equal(SearchIndexTurn.Share, SearchIndexPolicy.Turn(receiving: true, Limit, Limit));

    [Fact]
    public void NothingToReceive_IndexerRuns() =>
        Assert.Equal(SearchIndexTurn.Run, SearchIndexPolicy.Turn(receiving: false, TimeSpan.FromSeconds(5), Limit));

    [Fact]
    public void LimitZero_NeverWaits() =>
        Assert.Equal(SearchIndexTurn.Run, SearchIndexPolicy.Turn(receiving: true, TimeSpan.FromSeconds(5), TimeSpan.Zero));
}
