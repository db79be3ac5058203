using System.Text.Json;
using Madoguchi.Core.Receiving.Parsing;
using Madoguchi.Core.Sending.Compose;
using Madoguchi.Core.Tickets;

namespace Madoguchi.Tests.Sending;

/// <summary>Forward quoting: the original's header block and text under the writer's words, in text and in HTML; in
/// HTML the original is escaped text, never its markup.</summary>
public class QuotedOriginalTests
{
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.CreateCustomTimeZone("test/+09", TimeSpan.FromHours(9), "+09", "+09");

    private static TicketMessage Original(string subject, ParsedAddress from, string? text, string? html = null, params ParsedAddress[] cc) => new()
    {
        MessageIdHeader = "<original-1@customer.example>",
        Subject = subject,
        FromJson = JsonSerializer.Serialize(new[] { from }),
        ToJson = JsonSerializer.Serialize(new[] { new ParsedAddress("", "support@example.org") }),
        CcJson = JsonSerializer.Serialize(cc),
        Date = new DateTime(2026, 4, 1, 1, 2, 0, DateTimeKind.Utc),
        Text = text,
        Html = html,
    };

    [Fact]
    public void Forward_TextOriginal_HeaderBlockInTheWritersTimeZoneThenTheText()
    {
        var original = Original("Order 42", new ParsedAddress("Ann Lee", "ann@customer.example"), "Hello,\r\nwhere is my order?\r\n",
            cc: new ParsedAddress("", "bob@customer.example"));

        var forward = QuotedOriginal.Forward("Please look at this.", original, Tokyo);

        Assert.Equal("""
            Please look at this.

            ---------- Forwarded message ----------
            From: Ann Lee <ann@customer.example>
            Date: 2026/04/01 10:02
            Subject: Order 42
            To: support@example.org
            Cc: bob@customer.example

            Hello,
            where is my order?
            """.ReplaceLineEndings("\n"), forward);
    }

    [Fact]
    public void Forward_JapaneseOriginal_JapaneseHeaderBlock()
    {
        var forward = QuotedOriginal.Forward(null, Original("注文について", new ParsedAddress("山田 太郎", "taro@customer.example"), "届きません"), Tokyo);

        Assert.StartsWith("---------- 転送メッセージ ----------\n差出人: 山田 太郎 <taro@customer.example>\n日時: 2026/04/01 10:02\n件名: 注文について\n宛先: support@example.org\n\n届きません", forward);
    }

    [Fact]
    public void ForwardHtml_TextOriginal_HeaderBlockAndTextAsEscapedLinesBeforeTheBodysEnd()
    {
        var original = Original("Order 42", new ParsedAddress("Ann Lee", "ann@customer.example"), "Hello,\nwhere is my order?");

        var html = QuotedOriginal.ForwardHtml("<html><body><p>Please look at this.</p></body></html>", original, Tokyo);

        Assert.Equal("<html><body><p>Please look at this.</p><br>\n<div>---------- Forwarded message ----------<br>\n"
            + "From: Ann Lee &lt;ann@customer.example&gt;<br>\nDate: 2026/04/01 10:02<br>\nSubject: Order 42<br>\nTo: support@example.org<br>\n"
            + "<br>\nHello,<br>\nwhere is my order?</div>\n</body></html>", html);
    }

    [Fact]
    public void ForwardHtml_HostileMarkupInTheOriginalsTextAndHeaders_TravelsOnlyAsEscapedText()
    {
        var original = Original("<b onmouseover=\"steal()\">Order</b>", new ParsedAddress("Eve <img src=x onerror=alert(1)>", "eve@customer.example"),
            "Price < 100 & \"cheap\"\n<script>alert('x')</script>\n<a href=\"javascript:steal()\">click</a>");

        var html = QuotedOriginal.ForwardHtml("<p>FYI</p>", original, Tokyo);

        Assert.StartsWith("<p>FYI</p>\n<br>\n<div>", html);
        Assert.Contains("Subject: &lt;b onmouseover=&quot;steal()&quot;&gt;Order&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("From: Eve &lt;img src=x onerror=alert(1)&gt; &lt;eve@customer.example&gt;", html, StringComparison.Ordinal);
        Assert.Contains("Price &lt; 100 &amp; &quot;cheap&quot;<br>\n&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;<br>\n&lt;a href=", html, StringComparison.Ordinal);
        // Of the tags, only our own <br>, <div> and the writer's <p> remain.
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<a ", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b ", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ForwardHtml_HtmlOnlyOriginal_QuotesItsTextRenderingNeverItsMarkup()
    {
        var original = Original("Newsletter", new ParsedAddress("", "news@customer.example"), text: null,
            html: "<html><head><style>p{color:red}</style></head><body><p>Hello <b>world</b> &amp; friends</p>"
                + "<script>steal()</script><img src=\"https://tracker.example/p.gif\" alt=\"logo\"><p>Bye</p></body></html>");

        var text = QuotedOriginal.Forward(null, original, Tokyo);
        var html = QuotedOriginal.ForwardHtml("<p>FYI</p>", original, Tokyo);

        Assert.Contains("Hello world & friends", text, StringComparison.Ordinal);
        Assert.Contains("Bye", text, StringComparison.Ordinal);
        Assert.Contains("From: news@customer.example<br>\n", html, StringComparison.Ordinal);
        Assert.Contains("Hello world &amp; friends", html, StringComparison.Ordinal);
        Assert.DoesNotContain("steal()", html, StringComparison.Ordinal);
        Assert.DoesNotContain("tracker.example", html, StringComparison.Ordinal);
        Assert.DoesNotContain("color:red", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
    }
}
