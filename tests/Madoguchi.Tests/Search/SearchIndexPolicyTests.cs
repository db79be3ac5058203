using Madoguchi.Core.Search;
using Xunit;

namespace Madoguchi.Tests.Search;

public sealed class SearchIndexPolicyTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public void Receiving_YoungBacklog_IndexerWaits() =>
        Assert.True(SearchIndexPolicy.Defer(receiving: true, TimeSpan.FromSeconds(5), Limit));

    [Fact]
    public void Receiving_OldestWaitedTheLimit_IndexerRunsAnyway() =>
        Assert.False(SearchIndexPolicy.Defer(receiving: true, Limit, Limit));

    [Fact]
    public void NothingToReceive_IndexerRuns() =>
        Assert.False(SearchIndexPolicy.Defer(receiving: false, TimeSpan.FromSeconds(5), Limit));

    [Fact]
    public void LimitZero_NeverWaits() =>
        Assert.False(SearchIndexPolicy.Defer(receiving: true, TimeSpan.FromSeconds(5), TimeSpan.Zero));
}
