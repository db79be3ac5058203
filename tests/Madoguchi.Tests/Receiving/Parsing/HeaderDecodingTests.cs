using static Madoguchi.Tests.Receiving.Parsing.Mail;

namespace Madoguchi.Tests.Receiving.Parsing;

public class HeaderDecodingTests
{
    private const string Extended = "①㈱髙ﾊﾝｶｸ のお問い合わせ";

    private static string SubjectOf(params object[] subjectLine) =>
        Parse(Bytes(["Subject: ", .. subjectLine, "\r\nFrom: a@example.com\r\n\r\nbody\r\n"])).Subject;

    [Fact]
    public void Parse_Iso2022JpSubjectWithCp50220Extensions_DecodesThem()
    {
        Assert.Equal(Extended, SubjectOf(Word("ISO-2022-JP", Jis(Extended))));
    }

    [Fact]
    public void Parse_Iso2022JpSubjectWithShiftOutKatakana_DecodesThem()
    {
        Assert.Equal(Extended, SubjectOf(Word("iso-2022-jp", JisShiftOut(Extended))));
    }

    [Fact]
    public void Parse_Iso2022JpSubjectSplitInsideEscape_DecodesWholeSubject()
    {
        var bytes = Jis("お問い合わせ");
        // Split between ESC and "$B": neither half is valid ISO-2022-JP on its own.
        var subject = SubjectOf(Word("ISO-2022-JP", bytes[..1]), "\r\n ", Word("ISO-2022-JP", bytes[1..]));
        Assert.Equal("お問い合わせ", subject);
    }

    [Fact]
    public void Parse_ShiftJisSubjectSplitInsideCharacter_DecodesWholeSubject()
    {
        var bytes = Sjis("見積書の件");
        var subject = SubjectOf(Word("Shift_JIS", bytes[..3]), " ", Word("shift_jis", bytes[3..]));
        Assert.Equal("見積書の件", subject);
    }

    [Fact]
    public void Parse_Utf8SubjectSplitInsideCharacter_DecodesWholeSubject()
    {
        var bytes = Utf8("請求書について");
        var subject = SubjectOf(Word("UTF-8", bytes[..4]), "\r\n\t", Word("UTF-8", bytes[4..]));
        Assert.Equal("請求書について", subject);
    }

    [Fact]
    public void Parse_Base64SplitInsideQuantum_DecodesWholeSubject()
    {
        var text = B64(Jis("返品のお願い"));
        var subject = SubjectOf("=?ISO-2022-JP?B?", text[..5], "?= =?ISO-2022-JP?B?", text[5..], "?=");
        Assert.Equal("返品のお願い", subject);
    }

    [Fact]
    public void Parse_LowercaseLabelAndEncoding_Decodes()
    {
        Assert.Equal("ご注文", SubjectOf("=?iso-2022-jp?b?", B64(Jis("ご注文")), "?="));
    }

    [Fact]
    public void Parse_EncodedWordMissingClosing_DecodesIt()
    {
        Assert.Equal("Re: 納期", SubjectOf("Re: =?ISO-2022-JP?B?", B64(Jis("納期"))));
    }

    [Fact]
    public void Parse_EncodedWordsGluedTogether_DecodesBoth()
    {
        var subject = SubjectOf(Word("UTF-8", Utf8("前半")), Word("Shift_JIS", Sjis("後半")));
        Assert.Equal("前半後半", subject);
    }

    [Fact]
    public void Parse_QEncodedWord_Decodes()
    {
        Assert.Equal("Café à la carte", SubjectOf("=?ISO-8859-1?Q?Caf=E9_=E0_la?= carte"));
    }

    [Fact]
    public void Parse_TextAndWordsMixed_KeepsSpacesAroundText()
    {
        Assert.Equal("Re: [#12] 見積 (2)", SubjectOf("Re: [#12] ", Word("UTF-8", Utf8("見積")), " (2)"));
    }

    [Theory]
    [InlineData("Shift_JIS")]
    [InlineData("shift-jis")]
    [InlineData("x-sjis")]
    [InlineData("windows-31j")]
    [InlineData("cp932")]
    [InlineData("sjis")]
    [InlineData("MS932")]
    public void Parse_ShiftJisLabelVariant_DecodesAsCp932(string label)
    {
        Assert.Equal("①㈱髙 ご確認", SubjectOf(Word(label, Sjis("①㈱髙 ご確認"))));
    }

    [Fact]
    public void Parse_EucJpSubject_Decodes()
    {
        Assert.Equal("配送状況のご案内", SubjectOf(Word("EUC-JP", Euc("配送状況のご案内"))));
    }

    [Fact]
    public void Parse_Iso2022JpLabelOnShiftJisBytes_DetectsShiftJis()
    {
        Assert.Equal("ログインできません", SubjectOf(Word("ISO-2022-JP", Sjis("ログインできません"))));
    }

    [Fact]
    public void Parse_Raw8BitShiftJisSubject_DetectsShiftJis()
    {
        Assert.Equal("Re: 請求書の再発行について", SubjectOf("Re: ", Sjis("請求書の再発行について")));
    }

    [Fact]
    public void Parse_Raw8BitUtf8Subject_DetectsUtf8()
    {
        Assert.Equal("パスワード再設定", SubjectOf(Utf8("パスワード再設定")));
    }

    [Fact]
    public void Parse_RawJisEscapesInSubject_DecodesIso2022Jp()
    {
        Assert.Equal("解約手続き", SubjectOf(Jis("解約手続き")));
    }

    [Fact]
    public void Parse_RawEucJpSubject_DetectsEucJp()
    {
        Assert.Equal("ご返信ありがとうございます", SubjectOf(Euc("ご返信ありがとうございます")));
    }

    [Fact]
    public void Parse_DifferentRawCharsetsPerHeader_DetectsEachHeaderAlone()
    {
        var message = Parse(
            "From: ", Sjis("山田 太郎"), " <yamada@example.jp>\r\n",
            "Subject: ", Utf8("添付ファイルについて"), "\r\n\r\nbody\r\n");

        Assert.Equal("添付ファイルについて", message.Subject);
        Assert.Equal(new Madoguchi.Core.Receiving.Parsing.ParsedAddress("山田 太郎", "yamada@example.jp"), Assert.Single(message.From));
    }

    [Fact]
    public void Parse_EncodedNameContainingComma_StaysOneAddress()
    {
        var message = Parse("From: ", Word("UTF-8", Utf8("佐藤, 花子")), " <hanako@example.jp>\r\nTo: x@example.com, ",
            Word("ISO-2022-JP", Jis("サポート")), " <support@example.com>\r\n\r\nbody\r\n");

        var from = Assert.Single(message.From);
        Assert.Equal("佐藤, 花子", from.Name);
        Assert.Equal("hanako@example.jp", from.Address);
        Assert.Equal(["x@example.com", "support@example.com"], message.To.Select(a => a.Address));
        Assert.Equal("サポート", message.To[1].Name);
    }

    [Fact]
    public void Parse_EncodedWordInsideQuotedName_DecodesName()
    {
        var message = Parse("From: \"", Word("ISO-2022-JP", Jis("株式会社テスト")), "\" <info@example.jp>\r\n\r\nbody\r\n");
        Assert.Equal("株式会社テスト", Assert.Single(message.From).Name);
    }

    [Fact]
    public void Parse_SplitEncodedNameInAddress_DecodesWholeName()
    {
        var bytes = Jis("髙橋 一郎");
        var message = Parse("Reply-To: ", Word("ISO-2022-JP", bytes[..4]), "\r\n ", Word("ISO-2022-JP", bytes[4..]), " <t@example.jp>\r\n\r\nbody\r\n");
        Assert.Equal("髙橋 一郎", Assert.Single(message.ReplyTo).Name);
    }
}
