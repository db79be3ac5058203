using MailKit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using MimeKit;

namespace Madoguchi.IntegrationTests.Sending.Compose;

/// <summary>Quoting an HTML-only original (quoteOriginal): the quote is the HTML's plain-text rendering (the one search
/// uses), not nothing; a reply written with HTML carries the quote in its HTML as a &lt;blockquote&gt; of escaped text (never
/// the customer's markup). Sent through a real Postfix into a real Dovecot mailbox.</summary>
public sealed class QuoteTests(PostfixFixture mail) : IClassFixture<PostfixFixture>
{
    private const string OriginalHtml = "<html><head><style>p{color:red}</style><script>alert('x')</script></head><body>"
        + "<p>請求書の再発行をお願いします。</p><p>宛名は<b>株式会社例</b>で &amp; 至急です。<img src=\"https://tracker.example/p.gif\"></p></body></html>";

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task QuoteOriginal_OfHtmlOnlyMail_QuotesItsText_InTextAndAsBlockquoteInHtml(DatabaseProvider provider)
    {
        var (scenario, customer, support) = await SendingScenario.StartRelayingAsync(provider, mail);
        await using var s = scenario;
        var original = new MimeMessage { MessageId = $"html-only-{provider}-{Guid.NewGuid():N}@example.com", Subject = "請求書について", Date = DateTimeOffset.UtcNow };
        original.From.Add(new MailboxAddress("山田 花子", PostfixFixture.AddressOf(customer)));
        original.To.Add(new MailboxAddress("", "support@example.jp"));
        original.Body = new TextPart("html") { Text = OriginalHtml };
        using var eml = new MemoryStream();
        await original.WriteToAsync(eml);
        var ticketId = (await s.App.ReceiveAsync(s.InboxId, eml.ToArray())).TicketId!.Value;

        var plain = await s.ReplyAsync(ticketId, new { text = "承知しました。", quoteOriginal = true });
        var rich = await s.ReplyAsync(ticketId, new { text = "再発行いたします。", html = "<html><body><p>再発行いたします。</p></body></html>", quoteOriginal = true });

        // Stored on the ticket as sent.
        var plainText = (await s.MessageAsync(ticketId, plain.GetProperty("id").GetGuid())).GetProperty("text").GetString()!.ReplaceLineEndings("\n");
        Assert.Matches(@"^承知しました。\n\n\d{4}/\d{2}/\d{2} \d{2}:\d{2} 山田 花子 さんは書きました:\n> 請求書の再発行をお願いします。\n> \n> 宛名は株式会社例で & 至急です。$", plainText);
        foreach (var id in new[] { plain, rich }.Select(m => m.GetProperty("id").GetGuid()))
            Assert.Equal(SendState.Sent, (await s.WaitUntilSettledAsync(id)).State);
        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));

        using var imap = await mail.Dovecot.ConnectImapAsync(customer.Name);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(2, imap.Inbox.Count);
        var delivered = new List<MimeMessage>();
        for (var i = 0; i < imap.Inbox.Count; i++)
            delivered.Add(await imap.Inbox.GetMessageAsync(i));
        var first = delivered.Single(m => m.MessageId == plain.GetProperty("messageId").GetString());
        var second = delivered.Single(m => m.MessageId == rich.GetProperty("messageId").GetString());

        Assert.Contains("> 宛名は株式会社例で & 至急です。", first.TextBody, StringComparison.Ordinal);
        Assert.Null(first.HtmlBody);
        // The HTML reply: its text part and its HTML part both quote; the HTML as an escaped blockquote inside the body.
        Assert.Contains("> 請求書の再発行をお願いします。", second.TextBody, StringComparison.Ordinal);
        var html = (second.HtmlBody ?? "").ReplaceLineEndings("\n");
        Assert.Matches(@"<p>再発行いたします。</p><br>\n<div>\d{4}/\d{2}/\d{2} \d{2}:\d{2} 山田 花子 さんは書きました:</div>\n<blockquote type=""cite""[^>]*>"
            + @"請求書の再発行をお願いします。<br>\n<br>\n宛名は株式会社例で &amp; 至急です。</blockquote>\n</body></html>", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("tracker.example", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
    }
}
