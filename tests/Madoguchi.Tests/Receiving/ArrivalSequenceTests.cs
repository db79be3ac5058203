using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Storage;

namespace Madoguchi.Tests.Receiving;

/// <summary>The arrival number a fetch commit gives its originals follows the server's order, not the order the fetcher
/// happened to collect them in (large IMAP messages are fetched after the small ones of their batch).</summary>
public sealed class ArrivalSequenceTests
{
    private static FetchedOriginal Item(string hash, long? uid = null, string? uidl = null) => new(new BlobRef(hash, 1), $"{hash}@example.test", uidl, uid);

    [Fact]
    public void ArrivalSequence_ImapBatch_FollowsUidAfterTheLastNumber()
    {
        var items = new[] { Item("c", uid: 12), Item("a", uid: 10), Item("b", uid: 11) };

        var sequence = FetchContext.ArrivalSequence(items, last: 100);

        Assert.Equal([101L, 102L, 103L], items.OrderBy(i => i.Uid).Select(i => sequence[i]));
    }

    [Fact]
    public void ArrivalSequence_Pop3Batch_KeepsRetrievalOrder()
    {
        var items = new[] { Item("z", uidl: "u1"), Item("a", uidl: "u2"), Item("m", uidl: "u3") };

        var sequence = FetchContext.ArrivalSequence(items, last: 0);

        Assert.Equal([1L, 2L, 3L], items.Select(i => sequence[i]));
    }

    [Fact]
    public void ArrivalSequence_TwoEqualItems_EachGetsItsOwnNumber()
    {
        var items = new[] { Item("a", uid: 1), Item("a", uid: 1) };

        var sequence = FetchContext.ArrivalSequence(items, last: 7);

        Assert.Equal(2, sequence.Count);
        Assert.Equal([8L, 9L], sequence.Values.Order());
    }
}
