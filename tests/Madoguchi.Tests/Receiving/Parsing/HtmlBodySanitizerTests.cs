using Madoguchi.Core.Receiving.Parsing;

namespace Madoguchi.Tests.Receiving.Parsing;

public class HtmlBodySanitizerTests
{
    private static SanitizedHtml Clean(string html, bool allowRemote = false) =>
        HtmlBodySanitizer.Sanitize(html, id => "/api/v1/messages/7/parts/" + Uri.EscapeDataString(id), allowRemote);

    [Theory]
    [InlineData("<script>alert(1)</script><p>ok</p>", "<script")]
    [InlineData("<p onclick=\"steal()\">ok</p>", "onclick")]
    [InlineData("<a href=\"javascript:alert(1)\">ok</a>", "javascript:")]
    [InlineData("<form action=\"https://evil.example\"><input name=p></form>", "<form")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>", "<iframe")]
    [InlineData("<object data=\"x.swf\"></object><embed src=\"x.swf\">", "<object")]
    [InlineData("<img src=x onerror=alert(1)>", "onerror")]
    public void Sanitize_DangerousMarkup_IsRemoved(string html, string forbidden)
    {
        Assert.DoesNotContain(forbidden, Clean(html).Html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Sanitize_CidImage_RewrittenThroughCallback()
    {
        var result = Clean("<img src=\"cid:logo@example.jp\">");
        Assert.Equal("<img src=\"/api/v1/messages/7/parts/logo%40example.jp\">", result.Html);
        Assert.False(result.HasBlockedRemoteContent);
    }

    [Fact]
    public void Sanitize_RemoteImage_BlockedAndReported()
    {
        var result = Clean("<p>hi</p><img src=\"https://tracker.example/p.gif\">");
        Assert.DoesNotContain("tracker.example", result.Html, StringComparison.Ordinal);
        Assert.True(result.HasBlockedRemoteContent);
    }

    [Fact]
    public void Sanitize_RemoteCssBackground_BlockedAndReported()
    {
        var result = Clean("<div style=\"background-image: url('http://tracker.example/bg.png'); color: red\">x</div>");
        Assert.DoesNotContain("tracker.example", result.Html, StringComparison.Ordinal);
        Assert.True(result.HasBlockedRemoteContent);
    }

    [Fact]
    public void Sanitize_RemoteImageAllowed_KeptAndNotReported()
    {
        var result = Clean("<img src=\"https://cdn.example/logo.png\">", allowRemote: true);
        Assert.Contains("https://cdn.example/logo.png", result.Html, StringComparison.Ordinal);
        Assert.False(result.HasBlockedRemoteContent);
    }

    [Fact]
    public void Sanitize_Link_KeptAndNotCountedAsRemoteContent()
    {
        var result = Clean("<a href=\"https://example.jp/faq\">よくある質問</a>");
        Assert.Equal("<a href=\"https://example.jp/faq\">よくある質問</a>", result.Html);
        Assert.False(result.HasBlockedRemoteContent);
    }
}
