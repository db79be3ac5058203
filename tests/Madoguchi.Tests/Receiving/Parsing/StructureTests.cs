using Madoguchi.Core.Receiving.Parsing;
using static Madoguchi.Tests.Receiving.Parsing.Mail;

namespace Madoguchi.Tests.Receiving.Parsing;

public class StructureTests
{
    private static byte[] Mixed(params object[] parts) =>
        Simple("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"M\"\r\n",
            Bytes(["--M\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n", Utf8("本文"), "\r\n", .. parts, "--M--\r\n"]));

    [Fact]
    public void Parse_TnefAttachment_ListsTheFilesInsideInsteadOfWinmailDat()
    {
        var tnef = TnefBuilder.Build(932, (Sjis("見積書.txt"), Ascii("quote")), (Ascii("photo.jpg"), [0xFF, 0xD8, 0xFF]));
        var message = Parse(Mixed("--M\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\nContent-Disposition: attachment; filename=\"winmail.dat\"\r\n",
            "Content-Transfer-Encoding: base64\r\n\r\n", B64(tnef), "\r\n"));

        Assert.Equal(["見積書.txt", "photo.jpg"], message.Attachments.Select(a => a.FileName));
        Assert.Equal(Ascii("quote"), message.Attachments[0].Content);
        Assert.Equal([0xFF, 0xD8, 0xFF], message.Attachments[1].Content);
        Assert.Equal("本文", message.Text);
    }

    [Fact]
    public void Parse_DamagedTnef_KeepsWinmailDatAndSaysSo()
    {
        var message = Parse(Mixed("--M\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
            B64([0x78, 0x9F, 0x3E, 0x22, 1, 0, 9, 9, 9]), "\r\n"));

        Assert.Equal("winmail.dat", Assert.Single(message.Attachments).FileName);
    }

    [Fact]
    public void Parse_NestedRfc822_ListedAsEmlWithSubjectName()
    {
        var inner = Bytes("From: c@example.com\r\nSubject: ", Word("ISO-2022-JP", Jis("転送: ご相談")), "\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n",
            Jis("転送本文"), "\r\n");
        var message = Parse(Mixed("--M\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n", inner, "\r\n"));

        var eml = Assert.Single(message.Attachments);
        Assert.Equal("転送_ ご相談.eml", eml.FileName);
        Assert.Equal("message/rfc822", eml.ContentType);
        Assert.Equal("転送本文\r\n", Parse(eml.Content).Text);
        Assert.Equal("本文", message.Text);
    }

    [Fact]
    public void Parse_RelatedInlineImage_IsInlineWithContentId()
    {
        var message = Parse(Simple("Content-Type: multipart/related; boundary=R\r\n",
            Bytes("--R\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<img src=\"cid:logo@x\">\r\n",
                "--R\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw==\r\n--R--\r\n")));

        var image = Assert.Single(message.Attachments);
        Assert.True(image.IsInline);
        Assert.Equal("logo@x", image.ContentId);
        Assert.Equal("attachment.png", image.FileName);
        Assert.Equal("<img src=\"cid:logo@x\">", message.Html);
    }

    [Fact]
    public void Parse_TextPartMarkedAttachment_IsAnAttachmentNotBody()
    {
        var message = Parse(Mixed("--M\r\nContent-Type: text/plain; charset=Shift_JIS\r\nContent-Disposition: attachment; filename=memo.txt\r\n\r\n", Sjis("メモ"), "\r\n"));

        Assert.Equal("本文", message.Text);
        Assert.Equal("memo.txt", Assert.Single(message.Attachments).FileName);
    }

    [Fact]
    public void Parse_TwoInlineTextParts_JoinsThemIntoOneBody()
    {
        var message = Parse(Mixed("--M\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n", Jis("続き"), "\r\n"));
        Assert.Equal("本文\n続き", message.Text);
    }
}
