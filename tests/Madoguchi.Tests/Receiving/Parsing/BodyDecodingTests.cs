using System.Text;
using static Madoguchi.Tests.Receiving.Parsing.Mail;

namespace Madoguchi.Tests.Receiving.Parsing;

public class BodyDecodingTests
{
    private const string Japanese = "お世話になっております。①㈱髙ﾊﾝｶｸの件です。\r\n";

    private static string? TextOf(string contentType, byte[] body, string transferEncoding = "8bit") =>
        Parse(Simple($"Content-Type: {contentType}\r\nContent-Transfer-Encoding: {transferEncoding}\r\n", body)).Text;

    [Fact]
    public void Parse_Iso2022JpBodyWithCp50220Extensions_DecodesThem()
    {
        Assert.Equal(Japanese, TextOf("text/plain; charset=ISO-2022-JP", Jis(Japanese), "7bit"));
    }

    [Fact]
    public void Parse_Iso2022JpBodyWithShiftOutKatakana_DecodesThem()
    {
        Assert.Equal(Japanese, TextOf("text/plain; charset=iso-2022-jp", JisShiftOut(Japanese), "7bit"));
    }

    [Fact]
    public void Parse_Iso2022JpQuotedPrintableBody_Decodes()
    {
        // zammad #2498: quoted-printable ISO-2022-JP came out garbled.
        var qp = new StringBuilder();
        foreach (var b in Jis(Japanese))
            qp.Append(b is (byte)'=' or 0x1B ? $"={b:X2}" : ((char)b).ToString());
        Assert.Equal(Japanese, TextOf("text/plain; charset=ISO-2022-JP", Ascii(qp.ToString()), "quoted-printable"));
    }

    [Theory]
    [InlineData("Shift_JIS")]
    [InlineData("windows-31j")]
    [InlineData("cp932")]
    [InlineData("x-sjis")]
    public void Parse_ShiftJisBodyUnderAnyLabel_DecodesAsCp932(string label)
    {
        Assert.Equal(Japanese, TextOf($"text/plain; charset={label}", Sjis(Japanese)));
    }

    [Fact]
    public void Parse_EucJpBody_Decodes()
    {
        Assert.Equal("配送について。\r\n", TextOf("text/plain; charset=EUC-JP", Euc("配送について。\r\n")));
    }

    [Fact]
    public void Parse_Utf8Base64Body_Decodes()
    {
        var body = Ascii(B64(Utf8("ありがとうございます。\r\n")) + "\r\n");
        Assert.Equal("ありがとうございます。\r\n", TextOf("text/plain; charset=UTF-8", body, "base64"));
    }

    [Fact]
    public void Parse_ShiftJisBodyWithoutCharset_DetectsShiftJis()
    {
        Assert.Equal(Japanese, TextOf("text/plain", Sjis(Japanese)));
    }

    [Fact]
    public void Parse_ShiftJisBodyLabelledUsAscii_DetectsShiftJis()
    {
        Assert.Equal(Japanese, TextOf("text/plain; charset=us-ascii", Sjis(Japanese)));
    }

    [Fact]
    public void Parse_EucJpBodyLabelledIso88591_DetectsEucJp()
    {
        Assert.Equal("ご注文ありがとうございました。\r\n", TextOf("text/plain; charset=iso-8859-1", Euc("ご注文ありがとうございました。\r\n")));
    }

    [Fact]
    public void Parse_ShiftJisBodyLabelledIso2022Jp_DetectsShiftJis()
    {
        Assert.Equal(Japanese, TextOf("text/plain; charset=ISO-2022-JP", Sjis(Japanese)));
    }

    [Fact]
    public void Parse_JisBodyLabelledUtf8_DecodesIso2022Jp()
    {
        // zammad #6144: 7-bit JIS is valid UTF-8, so the escapes were shown raw.
        Assert.Equal(Japanese, TextOf("text/plain; charset=UTF-8", Jis(Japanese), "7bit"));
    }

    [Fact]
    public void Parse_JisBodyWithoutContentType_DecodesIso2022Jp()
    {
        Assert.Equal(Japanese, Parse(Bytes("From: a@example.com\r\nSubject: x\r\n\r\n", Jis(Japanese))).Text);
    }

    [Fact]
    public void Parse_Utf8BodyLabelledShiftJis_DetectsUtf8()
    {
        Assert.Equal(Japanese, TextOf("text/plain; charset=Shift_JIS", Utf8(Japanese)));
    }

    [Fact]
    public void Parse_Latin1BodyLabelledIso88591_StaysLatin1()
    {
        Assert.Equal("Café crème, déjà vu.\r\n", TextOf("text/plain; charset=iso-8859-1", Encoding.Latin1.GetBytes("Café crème, déjà vu.\r\n")));
    }

    [Fact]
    public void Parse_HtmlShiftJisWithoutCharset_DetectsShiftJis()
    {
        var message = Parse(Simple("Content-Type: text/html\r\n", Sjis("<p>お問い合わせ</p>")));
        Assert.Equal("<p>お問い合わせ</p>", message.Html);
        Assert.Null(message.Text);
    }

    [Fact]
    public void Parse_MultipartAlternative_TakesTextAndHtml()
    {
        var message = Parse(Simple(
            "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n",
            Bytes("--b1\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n", Jis("本文"), "\r\n--b1\r\nContent-Type: text/html; charset=Shift_JIS\r\n\r\n",
                Sjis("<b>本文</b>"), "\r\n--b1--\r\n")));

        Assert.Equal("本文", message.Text);
        Assert.Equal("<b>本文</b>", message.Html);
        Assert.Empty(message.Attachments);
        Assert.Null(message.ReadProblem);
    }
}
