using Madoguchi.Core.Receiving.Parsing;
using static Madoguchi.Tests.Receiving.Parsing.Mail;

namespace Madoguchi.Tests.Receiving.Parsing;

/// <summary>EUC-JP with JIS X 0212 characters (three bytes, 8F xx xx), common in names: CP51932 alone turns them into
/// "・" and a wrong kanji. Byte values checked against glibc's iconv (EUC-JP, EUC-JP-MS) and Python's euc_jp codec.</summary>
public class EucJpTests
{
    private const string Ogai = "森鷗外";
    private const string Kusanagi = "草彅";

    /// <summary>EUC-JP bytes written by hand: JIS X 0208 through CP51932, and the JIS X 0212 characters spelled out.</summary>
    private static byte[] EucProper(string text)
    {
        var bytes = new List<byte>();
        foreach (var c in text)
        {
            bytes.AddRange(c switch
            {
                '鷗' => [0x8F, 0xEC, 0xBF],
                '彅' => [0x8F, 0xBC, 0xF4],
                '髙' => [0x8F, 0xF4, 0xFB],
                _ => Euc(c.ToString()),
            });
        }
        return [.. bytes];
    }

    private static string Percent(byte[] bytes) => string.Concat(bytes.Select(b => $"%{b:X2}"));

    [Fact]
    public void Parse_EucJpBodyWithJisX0212Names_DecodesThem()
    {
        var message = Parse(Simple("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=EUC-JP\r\nContent-Transfer-Encoding: 8bit\r\n",
            EucProper($"{Ogai}様、{Kusanagi}様\r\nよろしくお願いします。\r\n")));

        Assert.Equal($"{Ogai}様、{Kusanagi}様\r\nよろしくお願いします。\r\n", message.Text);
    }

    [Fact]
    public void Parse_UnlabelledEucJpBodyWithJisX0212_DetectsAndDecodes()
    {
        var message = Parse(Simple("MIME-Version: 1.0\r\nContent-Type: text/plain\r\n", EucProper($"{Ogai}の全集について問い合わせです。\r\n")));

        Assert.Equal($"{Ogai}の全集について問い合わせです。\r\n", message.Text);
    }

    [Fact]
    public void Parse_EucJpEncodedWordSubjectAndName_DecodesJisX0212()
    {
        var message = Parse(
            "From: ", Word("euc-jp", EucProper(Kusanagi + " 剛")), " <kusanagi@example.jp>\r\n",
            "To: b@example.com\r\nMessage-ID: <m1@example.com>\r\n",
            "Subject: ", Word("EUC-JP", EucProper($"{Ogai}の件")), "\r\n\r\nbody\r\n");

        Assert.Equal($"{Ogai}の件", message.Subject);
        Assert.Equal(new ParsedAddress(Kusanagi + " 剛", "kusanagi@example.jp"), Assert.Single(message.From));
    }

    [Fact]
    public void Parse_RawEucJpSubjectWithJisX0212_DetectsAndDecodes()
    {
        var message = Parse("From: a@example.com\r\nMessage-ID: <m1@example.com>\r\nSubject: ", EucProper($"Re: {Ogai}記念館と髙橋のご予約"), "\r\n\r\nbody\r\n");

        Assert.Equal($"Re: {Ogai}記念館と髙橋のご予約", message.Subject);
    }

    [Theory]
    [InlineData("rfc2231")]
    [InlineData("encoded-word")]
    [InlineData("raw")]
    public void Parse_EucJpAttachmentNameWithJisX0212_Decodes(string form)
    {
        var name = EucProper($"{Ogai}_{Kusanagi}_見積書.pdf");
        object[] disposition = form switch
        {
            "rfc2231" => ["Content-Disposition: attachment; filename*=euc-jp''", Percent(name)],
            "encoded-word" => ["Content-Disposition: attachment; filename=\"", Word("euc-jp", name), "\""],
            _ => ["Content-Disposition: attachment; filename=\"", name, "\""],
        };
        var message = Parse(Simple("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XYZ\"\r\n",
            Bytes(["--XYZ\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nsee attached\r\n--XYZ\r\nContent-Type: application/pdf\r\n",
                .. disposition, "\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8=\r\n--XYZ--\r\n"])));

        Assert.Equal($"{Ogai}_{Kusanagi}_見積書.pdf", Assert.Single(message.Attachments).FileName);
    }

    [Theory]
    [InlineData(new byte[] { 0x8F, 0xEC, 0xBF }, "鷗")]
    [InlineData(new byte[] { 0x8F, 0xBC, 0xF4 }, "彅")]
    [InlineData(new byte[] { 0x8F, 0xA2, 0xB7 }, "～")] // JIS X 0212 tilde, absent from CP20932
    [InlineData(new byte[] { 0x8F, 0xF3, 0xF3 }, "ⅰ")] // eucJP-ms IBM extensions: first …
    [InlineData(new byte[] { 0x8F, 0xF4, 0xA9 }, "＇")]
    [InlineData(new byte[] { 0x8F, 0xF4, 0xFE }, "黑")] // … and last
    [InlineData(new byte[] { 0x8F, 0xF4, 0xFB }, "髙")]
    [InlineData(new byte[] { 0x8F, 0xF4, 0xBD }, "﨑")]
    [InlineData(new byte[] { 0xA4, 0xA2, 0x8E, 0xB1, 0x41 }, "あｱA")] // JIS X 0208, half-width katakana, ASCII as before
    [InlineData(new byte[] { 0xAD, 0xA1 }, "①")] // NEC row 13 as before
    [InlineData(new byte[] { 0x41, 0x8F, 0x42 }, "A\uFFFDB")] // a broken 8F sequence is visible, the rest intact
    [InlineData(new byte[] { 0x41, 0x8F, 0xEC }, "A\uFFFD\uFFFD")]
    public void EucJpEncoding_Decodes(byte[] bytes, string expected)
    {
        var encoding = new EucJpEncoding();

        Assert.Equal(expected, encoding.GetString(bytes));
        Assert.Equal(expected.Length, encoding.GetCharCount(bytes));
    }

    [Fact]
    public void EucJpEncoding_IbmExtensions_Are106()
    {
        Assert.Equal(106, EucJpEncoding.IbmExtensions.Length);
        Assert.Equal(106, EucJpEncoding.IbmExtensions.Distinct().Count());
    }

    [Fact]
    public void Charsets_EucJpLabels_UseTheJisX0212Decoder()
    {
        Assert.All(new[] { "euc-jp", "EUC-JP", "x-euc-jp", "cp51932", "euc-jp-ms" },
            label => Assert.Equal(Ogai, TextDecoder.Decode(EucProper(Ogai), label)));
    }
}
