using Madoguchi.Core.Search;
using Xunit;

namespace Madoguchi.Tests.Search;

public sealed class DocumentKeyTests
{
    [Fact]
    public void LaterIds_LargerKeys()
    {
        var start = new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);
        var keys = Enumerable.Range(0, 1000).Select(i => DocumentKey.For(Guid.CreateVersion7(start.AddMilliseconds(i)))).ToList();

        Assert.Equal(keys.Order(), keys);
        Assert.All(keys, k => Assert.True(k > 0));
    }

    [Fact]
    public void SameMillisecond_KeysOfThatMillisecond_RarelyCollide()
    {
        var at = new DateTimeOffset(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);
        var keys = Enumerable.Range(0, 200).Select(_ => DocumentKey.For(Guid.CreateVersion7(at))).ToList();

        Assert.All(keys, k => Assert.Equal(at.ToUnixTimeMilliseconds(), k >> 20));
        // 200 draws from 2^20: a collision is rare (about 2 %), and the writer takes the next free number when it happens.
        Assert.True(keys.Distinct().Count() >= 198);
    }

    [Fact]
    public void AnyId_PositiveKey()
    {
        Assert.All(Enumerable.Range(0, 1000).Select(_ => DocumentKey.For(Guid.NewGuid())), k => Assert.True(k >= 0));
        Assert.True(DocumentKey.For(Guid.Parse("ffffffff-ffff-7fff-ffff-ffffffffffff")) >= 0);
    }
}
