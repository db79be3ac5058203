using static Madoguchi.Tests.Receiving.Parsing.Mail;

namespace Madoguchi.Tests.Receiving.Parsing;

public class AttachmentNameTests
{
    /// <summary>A multipart/mixed message with a text part and one attachment whose headers are given raw.</summary>
    private static string? NameOf(params object[] attachmentHeaders)
    {
        var message = Parse(Simple(
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XYZ\"\r\n",
            Bytes(["--XYZ\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nsee attached\r\n--XYZ\r\n", .. attachmentHeaders,
                "\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8=\r\n--XYZ--\r\n"])));
        return Assert.Single(message.Attachments).FileName;
    }

    [Fact]
    public void Parse_Rfc2231Iso2022JpContinuations_DecodesWholeName()
    {
        var encoded = string.Concat(Jis("①見積書ﾃｽﾄ.pdf").Select(b => $"%{b:X2}"));
        var name = NameOf("Content-Type: application/pdf\r\nContent-Disposition: attachment;\r\n filename*0*=iso-2022-jp''", encoded[..20],
            ";\r\n filename*1*=", encoded[20..]);
        Assert.Equal("①見積書ﾃｽﾄ.pdf", name);
    }

    [Fact]
    public void Parse_Rfc2231Utf8Name_Decodes()
    {
        var encoded = string.Concat(Utf8("請求書 2024.xlsx").Select(b => $"%{b:X2}"));
        Assert.Equal("請求書 2024.xlsx", NameOf("Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=UTF-8''", encoded));
    }

    [Fact]
    public void Parse_EncodedWordInsideQuotedFilename_Decodes()
    {
        Assert.Equal("注文書.pdf", NameOf("Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"", Word("ISO-2022-JP", Jis("注文書.pdf")), "\""));
    }

    [Fact]
    public void Parse_SplitEncodedWordsInsideQuotedContentTypeName_DecodesWholeName()
    {
        var bytes = Jis("①②③ 髙島屋.docx");
        Assert.Equal("①②③ 髙島屋.docx", NameOf("Content-Type: application/msword; name=\"", Word("ISO-2022-JP", bytes[..2]), "\r\n\t",
            Word("ISO-2022-JP", bytes[2..]), "\""));
    }

    [Fact]
    public void Parse_RawShiftJisFilenameEndingIn5C_KeepsTheCharacter()
    {
        // 表 and ソ are 0x95 0x5C and 0x83 0x5C in Shift_JIS: the 0x5C must not be read as a backslash escape.
        Assert.Equal("一覧表ソ.csv", NameOf("Content-Type: text/csv\r\nContent-Disposition: attachment; filename=\"", Sjis("一覧表ソ.csv"), "\""));
    }

    [Fact]
    public void Parse_RawShiftJisFilenameEndingIn5CBeforeQuote_ClosesQuote()
    {
        Assert.Equal("表", NameOf("Content-Type: text/plain\r\nContent-Disposition: attachment; filename=\"", Sjis("表"), "\""));
    }

    [Fact]
    public void Parse_RawUtf8Filename_Decodes()
    {
        Assert.Equal("写真.jpg", NameOf("Content-Type: image/jpeg; name=\"", Utf8("写真.jpg"), "\"\r\nContent-Disposition: attachment"));
    }

    [Fact]
    public void Parse_ShiftJisNameLabelledIso2022Jp_DetectsShiftJis()
    {
        Assert.Equal("領収書.pdf", NameOf("Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"", Word("ISO-2022-JP", Sjis("領収書.pdf")), "\""));
    }

    [Fact]
    public void Parse_PlainContinuationsCarryingEncodedWord_DecodesName()
    {
        var word = Word("UTF-8", Utf8("仕様書.txt"));
        Assert.Equal("仕様書.txt", NameOf("Content-Type: text/plain\r\nContent-Disposition: attachment; filename*0=\"", word[..14], "\"; filename*1=\"", word[14..], "\""));
    }

    [Fact]
    public void Parse_WindowsPathInFilename_KeepsLastSegment()
    {
        Assert.Equal("report.pdf", NameOf("Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"C:\\\\Users\\\\me\\\\report.pdf\""));
    }

    [Fact]
    public void Parse_AttachmentWithoutName_GetsNameFromType()
    {
        Assert.Equal("attachment.pdf", NameOf("Content-Type: application/pdf\r\nContent-Disposition: attachment"));
    }

    [Fact]
    public void Parse_Attachment_ExposesDecodedBytesAndSize()
    {
        var message = Parse(Simple(
            "Content-Type: multipart/mixed; boundary=XYZ\r\n",
            Bytes("--XYZ\r\nContent-Type: application/octet-stream; name=a.bin\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC/w==\r\n--XYZ--\r\n")));

        var attachment = Assert.Single(message.Attachments);
        Assert.Equal([0, 1, 2, 255], attachment.Content);
        Assert.Equal(4, attachment.Size);
        Assert.Equal("application/octet-stream", attachment.ContentType);
    }
}
