using System.Text.RegularExpressions;
using Madoguchi.Core.Receiving.Parsing;

namespace Madoguchi.Tests.Receiving.Parsing;

/// <summary>The sanitized HTML is safe on its own (without our iframe or CSP): no form of remote or relative load
/// survives in any attribute or in CSS unless the reader allowed remote images.</summary>
public partial class RemoteLoadSanitizerTests
{
    private const string PartUrl = "/api/v1/messages/7/parts/";

    private static SanitizedHtml Clean(string html, bool allowRemote = false) =>
        HtmlBodySanitizer.Sanitize(html, id => PartUrl + Uri.EscapeDataString(id), allowRemote);

    /// <summary>Each would make the reader's browser fetch from evil.example (or, relative, from Madoguchi itself).</summary>
    public static TheoryData<string, bool> Hostile => new()
    {
        // html, is remote (so "show images" is offered)
        { "<img src=\"https://evil.example/p.gif\">", true },
        { "<img src=\"http://evil.example/p.gif\">", true },
        { "<img src=\"//evil.example/p.gif\">", true },
        { "<img src=\"\\\\evil.example\\p.gif\">", true },
        { "<img src=\"/\\evil.example/p.gif\">", false },
        { "<img src=\"http:\\\\evil.example\\p.gif\">", true },
        { "<img src=\" \thttps://evil.example/p.gif\">", true },
        { "<img src=\"ht\ntps://evil.example/p.gif\">", true },
        { "<img src=\"/api/v1/me/tokens\">", false },
        { "<img src=\"tracker.gif\">", false },
        { "<img srcset=\"https://evil.example/a.png 1x, https://evil.example/b.png 2x\">", true },
        { "<picture><source srcset=\"//evil.example/a.webp\"><img alt=x></picture>", true },
        { "<table background=\"https://evil.example/bg.png\"><tr><td>x</td></tr></table>", true },
        { "<td background=\"//evil.example/bg.png\">x</td>", false },
        { "<body background=\"https://evil.example/bg.png\">x</body>", false },
        { "<video poster=\"https://evil.example/poster.png\"></video>", true },
        { "<video src=\"https://evil.example/v.mp4\"></video>", true },
        { "<audio src=\"//evil.example/a.mp3\"></audio>", true },
        { "<input type=\"image\" src=\"https://evil.example/i.png\">", false },
        { "<svg><image href=\"https://evil.example/s.png\"/></svg>", false },
        { "<svg><image xlink:href=\"https://evil.example/s.png\"/></svg>", false },
        { "<a href=\"https://example.jp/\" style=\"background:url(https://evil.example/a.png)\">x</a>", true },
        { "<div style=\"background-image: url('//evil.example/bg.png')\">x</div>", true },
        // In CSS a backslash escapes: url(\\host\bg.png) is the path /host%0Bg.png; two escaped backslashes make //host.
        { "<div style=\"background-image: url(\\\\evil.example\\bg.png)\">x</div>", false },
        { "<div style=\"background-image: url(\\\\\\\\evil.example/bg.png)\">x</div>", true },
        { "<div style=\"background-image: image-set('https://evil.example/bg.png' 1x)\">x</div>", true },
        { "<div style=\"background-image: -webkit-image-set(url(https://evil.example/bg.png) 1x)\">x</div>", true },
        { "<div style=\"background: \\75 \\72 \\6c (https://evil.example/bg.png)\">x</div>", true },
        { "<div style=\"list-style-image: url(https://evil.example/li.png)\">x</div>", true },
        { "<div style=\"cursor: url(https://evil.example/c.cur), auto\">x</div>", true },
        { "<div style=\"border-image: url(https://evil.example/b.png) 30\">x</div>", true },
        { "<div style=\"background: url(/api/v1/me)\">x</div>", false },
        { "<style>body { background: url(https://evil.example/s.png) }</style><p>x</p>", true },
        { "<style>@import url(https://evil.example/s.css);</style><p>x</p>", true },
        { "<style>@import 'https://evil.example/s.css';</style><p>x</p>", true },
        { "<style>@font-face { font-family: x; src: url(https://evil.example/f.woff) }</style><p>x</p>", true },
        { "<style>p { background: image-set(\"//evil.example/x.png\" 1x) }</style><p>x</p>", true },
        { "<link rel=\"stylesheet\" href=\"https://evil.example/s.css\"><p>x</p>", false },
        { "<meta http-equiv=\"refresh\" content=\"0; url=https://evil.example/\"><p>x</p>", false },
        { "<object data=\"https://evil.example/o\"></object>", false },
        { "<iframe src=\"https://evil.example/f\"></iframe>", false },
        { "<base href=\"https://evil.example/\"><img src=\"p.gif\">", false },
        { "<img src=\"x\" lowsrc=\"https://evil.example/l.gif\" dynsrc=\"https://evil.example/d.avi\">", true },
        { "<blockquote cite=\"https://evil.example/q\">x</blockquote>", false },
        { "<a href=\"https://example.jp/\" ping=\"https://evil.example/ping\">x</a>", false },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Sanitize_HostileRemoteLoad_NothingRemoteOrRelativeSurvives(string html, bool remote)
    {
        var result = Clean(html);

        AssertNothingLoads(result.Html);
        Assert.DoesNotContain("evil.example", result.Html, StringComparison.OrdinalIgnoreCase);
        if (remote)
            Assert.True(result.HasBlockedRemoteContent, $"hasBlockedImages for {html}");
    }

    [Theory]
    [InlineData("<a href=\"/api/v1/session\">x</a>")]
    [InlineData("<a href=\"settings/personal\">x</a>")]
    [InlineData("<a href=\"//evil.example/x\">x</a>")]
    [InlineData("<a href=\"\\\\evil.example\\x\">x</a>")]
    [InlineData("<a href=\"/\\evil.example/x\">x</a>")]
    [InlineData("<a href=\"http:/culture\">x</a>")]
    [InlineData("<a href=\"javascript:alert(1)\">x</a>")]
    [InlineData("<area href=\"/signout\">")]
    public void Sanitize_RelativeOrOddLink_Removed(string html)
    {
        var result = Clean(html);
        Assert.DoesNotContain("href", result.Html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("<a href=\"https://example.jp/faq\">x</a>", "https://example.jp/faq")]
    [InlineData("<a href=\"http://example.jp/\">x</a>", "http://example.jp/")]
    [InlineData("<a href=\"mailto:support@example.jp\">x</a>", "mailto:support@example.jp")]
    public void Sanitize_AbsoluteLink_Kept(string html, string href)
    {
        var result = Clean(html);
        Assert.Contains($"href=\"{href}\"", result.Html, StringComparison.Ordinal);
        Assert.False(result.HasBlockedRemoteContent);
    }

    [Fact]
    public void Sanitize_HarmlessStyle_KeptBesideARemovedDeclaration()
    {
        var result = Clean("<p style=\"color: red; background: url(https://evil.example/a.png); font-weight: bold\">x</p>");
        Assert.Contains("color:", result.Html, StringComparison.Ordinal);
        Assert.Contains("font-weight: bold", result.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", result.Html, StringComparison.Ordinal);
        Assert.True(result.HasBlockedRemoteContent);
    }

    [Fact]
    public void Sanitize_HarmlessStyleBlock_Kept()
    {
        var result = Clean("<style>p { color: #123456 }</style><p>x</p>");
        Assert.False(result.HasBlockedRemoteContent);
    }

    [Fact]
    public void Sanitize_CidImage_StillPointsAtOurPart()
    {
        var result = Clean("<img src=\"cid:logo@example.jp\">");
        Assert.Contains(PartUrl + "logo%40example.jp", result.Html, StringComparison.Ordinal);
        Assert.False(result.HasBlockedRemoteContent);
    }

    [Theory]
    [InlineData("<img src=\"https://cdn.example/logo.png\">", "https://cdn.example/logo.png")]
    [InlineData("<div style=\"background-image: url(https://cdn.example/bg.png)\">x</div>", "https://cdn.example/bg.png")]
    [InlineData("<img srcset=\"https://cdn.example/a.png 1x, https://cdn.example/b.png 2x\">", "https://cdn.example/b.png")]
    [InlineData("<table background=\"https://cdn.example/t.png\"><tr><td>x</td></tr></table>", "https://cdn.example/t.png")]
    public void Sanitize_RemoteAllowed_AbsoluteHttpsKept(string html, string url)
    {
        var result = Clean(html, allowRemote: true);
        Assert.Contains(url, result.Html, StringComparison.Ordinal);
        Assert.False(result.HasBlockedRemoteContent);
    }

    [Theory]
    [InlineData("<img src=\"/api/v1/me\">")]
    [InlineData("<img src=\"//evil.example/p.gif\">")]
    [InlineData("<div style=\"background: url(/api/v1/me)\">x</div>")]
    [InlineData("<style>@import url(https://evil.example/s.css);</style><p>x</p>")]
    public void Sanitize_RemoteAllowed_RelativeAndImportsStillRemoved(string html)
    {
        var result = Clean(html, allowRemote: true);
        Assert.DoesNotContain("/api/v1/me", result.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", result.Html, StringComparison.Ordinal);
    }

    /// <summary>No attribute that can load holds a value, except our own cid part URLs, and no CSS fetches.</summary>
    private static void AssertNothingLoads(string html)
    {
        foreach (Match m in LoadingAttribute().Matches(html))
        {
            var value = m.Groups["v"].Value;
            var ours = value.StartsWith(PartUrl, StringComparison.Ordinal);
            var link = m.Value.TrimStart().StartsWith("href", StringComparison.OrdinalIgnoreCase) && value.StartsWith("https://example.jp/", StringComparison.Ordinal);
            Assert.True(ours || link, $"{m.Value} survived in {html}");
        }
        Assert.DoesNotMatch(FetchingCss(), html);
    }

    [GeneratedRegex(@"\s(?:src|srcset|background|poster|href|xlink:href|lowsrc|dynsrc|data|action|ping|cite)\s*=\s*""(?<v>[^""]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex LoadingAttribute();

    [GeneratedRegex(@"url\s*\(|image-set|@import|@font-face|\\75", RegexOptions.IgnoreCase)]
    private static partial Regex FetchingCss();
}
