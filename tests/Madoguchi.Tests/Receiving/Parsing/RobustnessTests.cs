using System.Text;
using Madoguchi.Core.Receiving.Parsing;
using static Madoguchi.Tests.Receiving.Parsing.Mail;

namespace Madoguchi.Tests.Receiving.Parsing;

/// <summary>Hostile and broken input: every case returns a ParsedMessage that says what was wrong, and never throws.
/// No case asserts a time (a slow CI machine is not a defect); a parser that hangs shows as a hung test run.</summary>
public class RobustnessTests
{
    private static ParsedMessage ParseQuickly(byte[] raw) => new MessageParser().Parse(raw);

    [Fact]
    public void Parse_EmptyInput_ReportsEmptyMessage()
    {
        var message = ParseQuickly([]);
        Assert.Equal("The message is empty.", message.ReadProblem);
        Assert.True(message.MessageIdSynthesized);
    }

    [Fact]
    public void Parse_BinaryGarbage_ReportsUnreadableHeaders()
    {
        var garbage = new byte[64 * 1024];
        new Random(42).NextBytes(garbage);
        var message = ParseQuickly(garbage);
        Assert.NotNull(message.ReadProblem);
        Assert.True(message.MessageIdSynthesized);
    }

    [Fact]
    public void Parse_MissingClosingBoundary_KeepsPartsAndSaysSo()
    {
        var message = ParseQuickly(Simple("Content-Type: multipart/mixed; boundary=B\r\n",
            Bytes("--B\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n", Jis("途中まで"), "\r\n--B\r\nContent-Type: application/pdf; name=a.pdf\r\n\r\n%PDF\r\n")));

        Assert.Equal("途中まで", message.Text);
        Assert.Equal("a.pdf", Assert.Single(message.Attachments).FileName);
        Assert.Equal("The MIME structure is broken: the closing boundary is missing.", message.ReadProblem);
    }

    [Fact]
    public void Parse_BoundaryNeverAppears_SaysSo()
    {
        var message = ParseQuickly(Simple("Content-Type: multipart/mixed; boundary=NOPE\r\n", Ascii("--OTHER\r\n\r\ntext\r\n--OTHER--\r\n")));
        Assert.StartsWith("The MIME structure is broken: no part boundary was found", message.ReadProblem);
    }

    [Fact]
    public void Parse_BadBase64_DecodesWhatItCanAndSaysSo()
    {
        var message = ParseQuickly(Simple("Content-Type: multipart/mixed; boundary=B\r\n",
            Ascii("--B\r\nContent-Type: application/octet-stream; name=x.bin\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC!!**\u00ff/w==\r\n--B--\r\n")));

        Assert.Equal("x.bin", Assert.Single(message.Attachments).FileName);
        Assert.Contains("base64", message.ReadProblem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CleanMessage_HasNoReadProblem()
    {
        var message = ParseQuickly(Simple("Content-Type: multipart/mixed; boundary=B\r\n",
            Ascii("--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n--B\r\nContent-Type: image/gif; name=a.gif\r\nContent-Transfer-Encoding: base64\r\n\r\nR0lGODlh\r\n--B--\r\n")));
        Assert.Null(message.ReadProblem);
    }

    [Fact]
    public void Parse_HugeHeader_StillParses()
    {
        var huge = new string('a', 1024 * 1024);
        var message = ParseQuickly(Bytes("X-Huge: ", huge, "\r\nSubject: ", Word("UTF-8", Utf8("件名")), "\r\nFrom: a@example.com\r\n\r\nbody\r\n"));
        Assert.Equal("件名", message.Subject);
        Assert.Equal("body\r\n", message.Text);
    }

    [Fact]
    public void Parse_HeaderFoldedFortyThousandTimes_ParsesQuickly()
    {
        // MimeKit alone needs seconds for this (quadratic in folds); the parser unfolds first.
        var folded = string.Join("\r\n ", Enumerable.Repeat("aaaaaaaaaaaaaaaaaaaaaaaaa", 40_000));
        var message = ParseQuickly(Bytes("X-Folded: ", folded, "\r\nSubject: ok\r\n\r\nbody\r\n"));
        Assert.Equal("ok", message.Subject);
        Assert.Equal("body\r\n", message.Text);
    }

    [Fact]
    public void Parse_HugeSubjectOfEncodedWords_StillParses()
    {
        var word = Word("ISO-2022-JP", Jis("あ"));
        var subject = string.Join("\r\n ", Enumerable.Repeat(word, 40_000));
        var message = ParseQuickly(Bytes("Subject: ", subject, "\r\n\r\nbody\r\n"));
        Assert.Equal(new string('あ', 40_000), message.Subject);
    }

    [Fact]
    public void Parse_FiveHundredNestedMultiparts_DoesNotCrashAndSaysTooDeep()
    {
        var raw = new StringBuilder("From: a@example.com\r\nSubject: deep\r\n");
        for (var i = 0; i < 500; i++)
            raw.Append("Content-Type: multipart/mixed; boundary=b").Append(i).Append("\r\n\r\n--b").Append(i).Append("\r\n");
        raw.Append("Content-Type: text/plain\r\n\r\ndeep\r\n");
        for (var i = 499; i >= 0; i--)
            raw.Append("--b").Append(i).Append("--\r\n");

        var message = ParseQuickly(Ascii(raw.ToString()));
        Assert.Equal("deep", message.Subject);
        Assert.Contains("nested too deeply", message.ReadProblem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeeplyNestedRfc822_ListsOuterAsAttachment()
    {
        var raw = Ascii("From: z@example.com\r\nSubject: innermost\r\n\r\nhello\r\n");
        for (var i = 0; i < 200; i++)
            raw = Bytes("From: a@example.com\r\nSubject: level ", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "\r\nContent-Type: message/rfc822\r\n\r\n", raw);

        var message = ParseQuickly(raw);
        Assert.Equal("level 199", message.Subject);
        Assert.Equal("level 198.eml", Assert.Single(message.Attachments).FileName);
    }

    [Fact]
    public void Parse_OnlyHeaders_ReturnsHeadersAndNoBody()
    {
        var message = ParseQuickly(Ascii("From: a@example.com\r\nSubject: only headers\r\nMessage-ID: <h@x>\r\n"));
        Assert.Equal("only headers", message.Subject);
        Assert.Equal("h@x", message.MessageId);
        Assert.Empty(message.Attachments);
    }

    [Fact]
    public void Parse_EightBitGarbageInHeaders_DoesNotThrow()
    {
        var message = ParseQuickly(Bytes("From: ", new byte[] { 0xFF, 0xFE, 0x80, 0x81 }, " <a@example.com>\r\nSubject: ", new byte[] { 0x82, 0xA0, 0xFF }, "\r\n\r\nbody\r\n"));
        Assert.Equal("a@example.com", Assert.Single(message.From).Address);
    }

    [Fact]
    public void Parse_FromStream_SameAsFromMemory()
    {
        var raw = Simple("Subject: stream\r\n", Ascii("x"));
        var fromStream = new MessageParser().Parse(new MemoryStream(raw));
        Assert.Equal("stream", fromStream.Subject);
        Assert.Equal(new MessageParser().Parse(raw).MessageId, fromStream.MessageId);
    }

    [Fact]
    public void Parse_ScriptLadenHtml_KeepsRawHtmlForTheSanitizer()
    {
        var message = ParseQuickly(Simple("Content-Type: text/html; charset=UTF-8\r\n", Ascii("<script>alert(1)</script><p onclick=x()>hi</p>")));
        Assert.Equal("<script>alert(1)</script><p onclick=x()>hi</p>", message.Html);
        Assert.DoesNotContain("script", HtmlBodySanitizer.Sanitize(message.Html!, id => id, allowRemoteImages: false).Html, StringComparison.Ordinal);
    }
}
