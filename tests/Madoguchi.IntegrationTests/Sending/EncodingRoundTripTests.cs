using System.Text;
using System.Text.Json;
using MailKit;
using MailKit.Net.Smtp;
using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Madoguchi.IntegrationTests.Sending;

/// <summary>What Madoguchi sends in ISO-2022-JP (for old Japanese mail clients) or UTF-8 goes through a real Postfix into a
/// real Dovecot mailbox, and both Madoguchi's receive path and MimeKit read back the same subject, display names, body and
/// attachment names. Characters outside JIS X 0208 make the message UTF-8 instead of being lost.</summary>
public sealed class EncodingRoundTripTests(PostfixFixture mail) : IClassFixture<PostfixFixture>
{
    private const string JisText = "いつもお世話になっております。\r\n「見積書」を添付いたします（税込：１２，０００円）。\r\nご確認のほど、よろしくお願い申し上げます。";

    public static TheoryData<bool, string, string> Cases => new()
    {
        { true, JisText, "iso-2022-jp" },
        { false, JisText, "utf-8" },
        // ① (NEC extension), half-width ｶﾅ and an emoji are outside JIS X 0208: the whole message is UTF-8 after all.
        { true, JisText + "\r\n①ｶﾀｶﾅ😀", "utf-8" },
    };

    [Theory, MemberData(nameof(Cases))]
    public async Task Reply_ThroughPostfixIntoDovecot_ReadBackIdenticallyByMadoguchiAndMimeKit(bool iso2022jp, string text, string charset)
    {
        await using var s = await SendingScenario.StartAsync(DatabaseProvider.Sqlite);
        var customer = await mail.AddUniqueUserAsync("customer");
        var support = await mail.AddUniqueUserAsync("support");
        await s.AddSendAddressAsync(SendingScenario.Relay(mail.Postfix, PostfixFixture.AddressOf(support), new { displayName = "株式会社窓口 サポート", iso2022jp }));
        var ticketId = await s.ReceiveCustomerMailAsync($"enc-{iso2022jp}-{charset}@example.com", PostfixFixture.AddressOf(customer));
        const string Subject = "お見積りのご案内（第２版）";
        const string CustomerName = "山田 太郎";

        var messageId = (await s.ReplyAsync(ticketId, new { to = new[] { $"{CustomerName} <{PostfixFixture.AddressOf(customer)}>" }, subject = Subject, text }))
            .GetProperty("id").GetGuid();
        Assert.Equal(SendState.Sent, (await s.WaitUntilSettledAsync(messageId)).State);
        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));

        var raw = await FetchOnlyAsync(customer.Name);
        AssertEncoding(raw, charset);
        var read = await ReadBackAsync(s, raw);
        Assert.Equal(Subject, read.MimeKit.Subject);
        Assert.Equal(Subject, read.Madoguchi.Subject);
        Assert.Equal("株式会社窓口 サポート", read.MimeKit.From.Mailboxes.Single().Name);
        Assert.Equal("株式会社窓口 サポート", FirstName(read.Madoguchi.FromJson));
        Assert.Equal(CustomerName, read.MimeKit.To.Mailboxes.Single().Name);
        Assert.Equal(CustomerName, FirstName(read.Madoguchi.ToJson));
        Assert.Equal(Lines(text), Lines(read.MimeKit.TextBody));
        Assert.Equal(Lines(text), Lines(read.Madoguchi.Text));
    }

    /// <summary>Characters Japanese users type whose Unicode code point is not the one .NET's ISO-2022-JP (CP932) table uses
    /// for the JIS character: each is sent as that JIS character (〜 → JIS 0x2141 …), so the message stays ISO-2022-JP, and
    /// Madoguchi and MimeKit read back the CP932 form of it (～ U+FF5E …), in the subject, names, body and attachment names.</summary>
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reply_JisVariantCharacters_StayIso2022Jp_ReadBackAsTheJisCharacter(DatabaseProvider provider)
    {
        await using var s = await SendingScenario.StartAsync(provider);
        var customer = await mail.AddUniqueUserAsync("customer");
        var support = await mail.AddUniqueUserAsync("support");
        await s.AddSendAddressAsync(SendingScenario.Relay(mail.Postfix, PostfixFixture.AddressOf(support), new { displayName = "窓口〜サポート", iso2022jp = true }));
        var ticketId = await s.ReceiveCustomerMailAsync($"variants-{provider}-{Guid.NewGuid():N}@example.com", PostfixFixture.AddressOf(customer));
        const string Typed = "受付時間：9時\u301C18時（\uFF5Eも可）\r\n温度\u22125度、\u2016区切り\u2016\r\n価格\u00A2100・\u00A350、\u00ACA\r\n\u2014ダッシュ\u2015";
        const string ReadBack = "受付時間：9時\uFF5E18時（\uFF5Eも可）\r\n温度\uFF0D5度、\u2225区切り\u2225\r\n価格\uFFE0100・\uFFE150、\uFFE2A\r\n\u2015ダッシュ\u2015";
        var upload = await s.Owner.UploadAsync(("見積\u301C第2版.txt", "text/plain", "x"u8.ToArray()));

        var messageId = (await s.ReplyAsync(ticketId, new
        {
            to = new[] { $"山田\u2212太郎 <{PostfixFixture.AddressOf(customer)}>" }, subject = "ご案内\u301C12月", text = Typed, attachmentIds = upload,
        })).GetProperty("id").GetGuid();
        Assert.Equal(SendState.Sent, (await s.WaitUntilSettledAsync(messageId)).State);
        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));

        var raw = await FetchOnlyAsync(customer.Name);
        AssertEncoding(raw, "iso-2022-jp");
        var read = await ReadBackAsync(s, raw);
        Assert.Equal("ご案内\uFF5E12月", read.MimeKit.Subject);
        Assert.Equal("ご案内\uFF5E12月", read.Madoguchi.Subject);
        Assert.Equal("窓口\uFF5Eサポート", read.MimeKit.From.Mailboxes.Single().Name);
        Assert.Equal("窓口\uFF5Eサポート", FirstName(read.Madoguchi.FromJson));
        Assert.Equal("山田\uFF0D太郎", read.MimeKit.To.Mailboxes.Single().Name);
        Assert.Equal("山田\uFF0D太郎", FirstName(read.Madoguchi.ToJson));
        Assert.Equal(Lines(ReadBack), Lines(read.MimeKit.TextBody));
        Assert.Equal(Lines(ReadBack), Lines(read.Madoguchi.Text));
        Assert.Equal("見積\uFF5E第2版.txt", Assert.Single(read.MimeKit.Attachments).ContentDisposition?.FileName);
        Assert.Equal("見積\uFF5E第2版.txt", await s.App.WithDbAsync(db => db.TicketAttachments.AsNoTracking().Where(a => a.TicketMessageId == read.Madoguchi.Id)
            .Select(a => a.FileName).SingleAsync()));
        // The JIS code points themselves, as any ISO-2022-JP reader sees them: 〜 is 0x2141, − 0x215D, ‖ 0x2142, ¢ 0x2171, £ 0x2172, ¬ 0x224C, — 0x213D.
        using var encoded = new MemoryStream();
        read.MimeKit.BodyParts.OfType<TextPart>().Single(p => !p.IsAttachment).Content!.WriteTo(encoded);
        var body = Encoding.ASCII.GetString(encoded.ToArray());
        foreach (var jis in new[] { "!A", "!]", "!B", "!q", "!r", "\"L", "!=" })
            Assert.Contains(jis, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "iso-2022-jp")]
    [InlineData(false, "utf-8")]
    public async Task AttachmentNames_ThroughPostfixIntoDovecot_ReadBackIdentically(bool iso2022jp, string charset)
    {
        await using var s = await SendingScenario.StartAsync(DatabaseProvider.Sqlite);
        var customer = await mail.AddUniqueUserAsync("customer");
        var from = new SendAddress { Address = "support@mail.test", DisplayName = "サポート窓口", Host = mail.Postfix.Host, Iso2022Jp = iso2022jp };
        string[] names = ["見積書（第２版）.pdf", "ご注文内容の確認書_長い名前のファイルです_二〇二六年十二月分.txt"];
        var mime = OutgoingMime.Build(from, [new MailboxAddress("山田 太郎", PostfixFixture.AddressOf(customer))], [], "添付のご案内", JisText, null,
            $"{Guid.NewGuid():N}@mail.test", null, DateTimeOffset.UtcNow,
            [new OutgoingAttachment(names[0], "application/pdf", Encoding.ASCII.GetBytes("%PDF-1.4\n")), new OutgoingAttachment(names[1], "text/plain", Encoding.UTF8.GetBytes("内容"))]);
        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync(mail.Postfix.Host, mail.Postfix.Smtp.Port, MailKit.Security.SecureSocketOptions.None);
            await smtp.SendAsync(mime);
            await smtp.DisconnectAsync(true);
        }
        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));

        var raw = await FetchOnlyAsync(customer.Name);
        AssertEncoding(raw, charset);
        var read = await ReadBackAsync(s, raw);
        Assert.Equal(names, read.MimeKit.Attachments.Select(a => a.ContentDisposition?.FileName ?? a.ContentType.Name).ToArray());
        var stored = await s.App.WithDbAsync(db => db.TicketAttachments.AsNoTracking().Where(a => a.TicketMessageId == read.Madoguchi.Id)
            .OrderBy(a => a.PartIndex).Select(a => a.FileName).ToArrayAsync());
        Assert.Equal(names, stored);
        Assert.Equal(Lines(JisText), Lines(read.Madoguchi.Text));
    }

    [Theory]
    [InlineData("漢字かなカナ、。「」ＡＢＣ１２３ー～", true)]
    [InlineData("\u301C\u2016\u2212\u00A2\u00A3\u00AC\u2014\u2015\uFF5E", true)]
    [InlineData("plain ASCII", true)]
    [InlineData("ﾊﾝｶｸ", false)]
    [InlineData("①", false)]
    [InlineData("㈱", false)]
    [InlineData("髙", false)]
    [InlineData("😀", false)]
    [InlineData("한국어", false)]
    public void Iso2022JpText_FitsOnlyJisX0208(string value, bool fits) => Assert.Equal(fits, Iso2022JpText.Fits(value));

    private static void AssertEncoding(byte[] raw, string charset)
    {
        var text = Encoding.Latin1.GetString(raw);
        Assert.All(raw, b => Assert.True(b < 0x80, "the message is not 7-bit clean"));
        Assert.Contains($"charset={charset}", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"=?{charset}?", text, StringComparison.OrdinalIgnoreCase);
        if (charset == "iso-2022-jp")
            Assert.DoesNotContain("utf-8", text, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<byte[]> FetchOnlyAsync(string user)
    {
        using var imap = await mail.Dovecot.ConnectImapAsync(user);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(1, imap.Inbox.Count);
        var message = await imap.Inbox.GetMessageAsync(0);
        using var buffer = new MemoryStream();
        await message.WriteToAsync(FormatOptions.Default, buffer);
        return buffer.ToArray();
    }

    /// <summary>The delivered bytes as MimeKit reads them and as Madoguchi's receive path stores them (into an inbox of its own).</summary>
    private static async Task<(MimeMessage MimeKit, Core.Tickets.TicketMessage Madoguchi)> ReadBackAsync(SendingScenario s, byte[] raw)
    {
        var mime = await MimeMessage.LoadAsync(new MemoryStream(raw));
        var inbox = await s.Account.CreateInboxAsync("読み返し");
        var location = await s.App.ReceiveAsync(inbox.Id, raw);
        var stored = await s.App.WithDbAsync(db => db.TicketMessages.AsNoTracking().SingleAsync(m => m.Id == location.TicketMessageId));
        return (mime, stored);
    }

    private static string? FirstName(string json) => Assert.Single(JsonDocument.Parse(json).RootElement.EnumerateArray()).GetProperty("Name").GetString();

    private static string Lines(string? text) => (text ?? "").ReplaceLineEndings("\n").TrimEnd('\n');
}
