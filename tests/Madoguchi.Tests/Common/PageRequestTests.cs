using Madoguchi.Core.Common;

namespace Madoguchi.Tests.Common;

public sealed class PageRequestTests
{
    [Fact]
    public void Create_NothingGiven_FirstFiftyRows()
    {
        var page = PageRequest.Create(null, null);

        Assert.True(page.Succeeded);
        Assert.Equal(new PageRequest(0, PageRequest.DefaultLimit), page.Value);
        Assert.Equal(50, page.Value.Limit);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(10, 200)]
    [InlineData(int.MaxValue, 25)]
    public void Create_OffsetFromZeroAndLimitFrom1To200_AreAccepted(int offset, int limit)
    {
        var page = PageRequest.Create(offset, limit);

        Assert.True(page.Succeeded);
        Assert.Equal(new PageRequest(offset, limit), page.Value);
    }

    [Theory]
    [InlineData(201)]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void Create_LimitOutside1To200_IsInvalidLimit(int limit)
    {
        var page = PageRequest.Create(0, limit);

        Assert.False(page.Succeeded);
        Assert.Equal(ErrorKind.Invalid, page.Error!.Kind);
        Assert.Equal("invalid_limit", page.Error.Code);
    }

    [Fact]
    public void Create_NegativeOffset_IsInvalidOffset() =>
        Assert.Equal("invalid_offset", PageRequest.Create(-1, 10).Error?.Code);

    [Fact]
    public void Page_SkipsOffsetAndTakesLimit()
    {
        var rows = Enumerable.Range(0, 10).AsQueryable();

        Assert.Equal([3, 4, 5], rows.Page(new PageRequest(3, 3)));
        Assert.Equal([8, 9], rows.Page(new PageRequest(8, 5)));
        Assert.Empty(rows.Page(new PageRequest(10, 5)));
    }
}
