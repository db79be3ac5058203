using System.Net.Http.Json;
using System.Net.Sockets;
using MailKit;
using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.Playwright;
using MimeKit;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests.Sending;

/// <summary>Issue 8 §7: a reply composed with an attachment in the reply box shows 送信中, then 送信済み without a reload, with
/// the file as a chip on the sent message; the customer's mailbox (Postfix → Dovecot) receives the file under its name.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AttachmentUiTests(BrowserFixture fixture, PostfixFixture mail) : IClassFixture<PostfixFixture>
{
    [Fact]
    public async Task Reply_WithAttachment_ShowsSendingThenSent_FileChipOnSentMessage_DeliveredWithItsName()
    {
        var customer = await mail.AddUniqueUserAsync("customer");
        var support = await mail.AddUniqueUserAsync("support");
        var account = await fixture.App.CreateAccountAsync();
        var api = await account.SignInOwnerAsync();
        var inbox = (await account.CreateInboxAsync("添付窓口")).Id;
        // Postfix's relay port behind a gate: the SMTP session waits (送信中) until the test has seen it.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var gated = LoopbackRelayListener.Start(mail.Postfix.Smtp.Port, async (client, server) =>
        {
            await gate.Task;
            await using var c = new NetworkStream(client, ownsSocket: true);
            await using var s = new NetworkStream(server, ownsSocket: true);
            await Task.WhenAny(c.CopyToAsync(s), s.CopyToAsync(c));
        });
        var added = await api.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/send-addresses", new
        {
            address = PostfixFixture.AddressOf(support), displayName = "サポート窓口", isDefault = true, host = mail.Postfix.Host, port = gated.Port,
            security = "none", authentication = "none",
        });
        Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        var ticket = (await fixture.App.ReceiveAsync(inbox, InboundMail.Eml($"{Guid.NewGuid():N}@example.com", subject: "資料のお願い",
            from: PostfixFixture.AddressOf(customer)))).TicketId!.Value;

        await using var session = await fixture.NewSessionAsync();
        var page = session.Page;
        await session.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
        await page.GotoAsync($"/tickets/{ticket}");
        await session.WaitLiveAsync();
        var box = page.GetByTestId("reply-box");
        await box.GetByLabel("本文").FillAsync("資料を添付いたします。");
        await box.Locator("input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "資料一覧.pdf", MimeType = "application/pdf", Buffer = [.. "%PDF-1.4\n"u8, .. new byte[2048]],
        });
        var chip = box.GetByTestId("attachment-chip");
        await Expect(chip).ToHaveCountAsync(1);
        await Expect(chip).ToContainTextAsync("資料一覧.pdf");
        await Expect(chip).ToContainTextAsync("KB");
        await box.GetByRole(AriaRole.Button, new() { Name = "送信", Exact = true }).ClickAsync();

        var state = page.GetByTestId("send-state");
        await Expect(state).ToHaveAttributeAsync("data-state", "sending", new() { Timeout = 30_000 });
        await Expect(state.GetByTestId("send-state-chip")).ToHaveTextAsync("送信中");
        await Expect(box.GetByTestId("attachment-chip")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("reply-attachment-sending-ja"), FullPage = true });
        gate.SetResult();
        await Expect(state).ToHaveAttributeAsync("data-state", "sent", new() { Timeout = 30_000 });
        await Expect(state.GetByTestId("send-state-chip")).ToHaveTextAsync("送信済み");
        await Expect(page.GetByTestId("message").Last.GetByTestId("attachment")).ToContainTextAsync("資料一覧.pdf");
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("reply-attachment-sent-ja"), FullPage = true });

        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));
        using var imap = await mail.Dovecot.ConnectImapAsync(customer.Name);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var delivered = await imap.Inbox.GetMessageAsync(0);
        Assert.Equal(["資料一覧.pdf"], delivered.Attachments.OfType<MimePart>().Select(p => p.FileName!).ToArray());
    }
}
