using System.Net.Http.Json;
using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Core.Tickets;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests.Sending;

/// <summary>Two people on one ticket in two browsers: while A types a reply, B sees 「A が返信を作成中です」 live and A's
/// draft in the team's drafts; A's draft survives a reload; B sends first, so A's send warns who replied meanwhile and
/// 確認のうえ送信 sends it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DraftUiTests(BrowserFixture fixture)
{
    [Fact]
    public async Task ReplyBox_ATypes_BSeesWritingLive_DraftSurvivesReload_SendWarnsOfBsReply()
    {
        var account = await fixture.App.CreateAccountAsync();
        var api = await account.SignInOwnerAsync();
        var inbox = (await account.CreateInboxAsync("下書き窓口")).Id;
        // Nobody listens on port 9: replies stay queued, nothing leaves.
        (await api.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/send-addresses", new
        {
            address = "support@drafts.test", displayName = "サポート", isDefault = true, host = "127.0.0.1", port = 9, security = "none", authentication = "none",
        })).EnsureSuccessStatusCode();
        var userB = await account.AddActiveUserAsync(api, "鈴木", "次郎");
        (await api.PutAsJsonAsync($"/api/v1/inboxes/{inbox}/roles/{userB.Id}", new { role = "operator" })).EnsureSuccessStatusCode();
        var ticket = (await fixture.App.ReceiveAsync(inbox, InboundMail.Eml($"{Guid.NewGuid():N}@example.com", subject: "返品について", from: "customer@example.com"))).TicketId!.Value;

        await using var a = await fixture.NewSessionAsync();
        await using var b = await fixture.NewSessionAsync();
        await a.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
        await b.SignInAsync(userB.Email, MadoguchiApp.DefaultPassword);
        foreach (var s in new[] { a, b })
        {
            await s.Page.GotoAsync($"/tickets/{ticket}");
            await s.WaitLiveAsync();
            await Expect(s.Page.GetByTestId("reply-box")).ToBeVisibleAsync();
        }
        await Expect(b.Page.GetByTestId("presence-writing")).ToHaveCountAsync(0);

        const string text = "お問い合わせありがとうございます。返品を承ります。";
        await a.Page.GetByTestId("reply-box").GetByLabel("本文").FillAsync(text);
        await Expect(b.Page.GetByTestId("presence-writing")).ToContainTextAsync($"{account.Owner.DisplayName} が返信を作成中");
        await Expect(a.Page.GetByTestId("draft-saved")).ToBeVisibleAsync();
        await Expect(b.Page.GetByTestId("team-draft")).ToContainTextAsync(text);
        await Expect(b.Page.GetByTestId("team-draft")).ToContainTextAsync(account.Owner.DisplayName);

        // A reloads: the draft is back in the box, and A is writing again.
        await a.Page.ReloadAsync();
        await a.WaitLiveAsync();
        await Expect(a.Page.GetByTestId("reply-box").GetByLabel("本文")).ToHaveValueAsync(text);
        await Expect(b.Page.GetByTestId("presence-writing")).ToContainTextAsync(account.Owner.DisplayName);

        // B replies first; A's send then names B and asks for confirmation.
        await b.Page.GetByTestId("reply-box").GetByLabel("本文").FillAsync("担当の鈴木です。確認いたします。");
        await b.Page.GetByTestId("reply-box").GetByRole(AriaRole.Button, new() { Name = "送信", Exact = true }).ClickAsync();
        await Expect(b.Page.GetByTestId("reply-queued")).ToBeVisibleAsync();
        await a.Page.GetByTestId("reply-box").GetByRole(AriaRole.Button, new() { Name = "送信", Exact = true }).ClickAsync();
        await Expect(a.Page.GetByTestId("reply-error")).ToContainTextAsync(userB.DisplayName);
        await a.Page.ScreenshotAsync(new() { Path = Screenshots.PathFor("reply-sent-meanwhile-ja"), FullPage = true });
        await a.Page.GetByTestId("reply-confirm-sent-meanwhile").ClickAsync();
        await Expect(a.Page.GetByTestId("reply-queued")).ToBeVisibleAsync();
        await Expect(b.Page.GetByTestId("presence-writing")).ToHaveCountAsync(0);
        await Expect(b.Page.GetByTestId("team-draft")).ToHaveCountAsync(0);
        Assert.Equal(0, await fixture.App.WithDbAsync(db => db.ReplyDrafts.CountAsync(d => d.TicketId == ticket)));
    }

    /// <summary>A draft keeps its attachments: a file attached in the reply box is saved with the draft, its chip (name and
    /// size) is back after a reload, and the reply sent from the restored box carries the file.</summary>
    [Fact]
    public async Task ReplyBox_AttachmentSavedWithTheDraft_ChipBackAfterReload_ReplySendsWithIt()
    {
        var account = await fixture.App.CreateAccountAsync();
        var api = await account.SignInOwnerAsync();
        var inbox = (await account.CreateInboxAsync("添付下書き窓口")).Id;
        // Nobody listens on port 9: the reply stays queued, nothing leaves; what it carries is read from the database.
        (await api.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/send-addresses", new
        {
            address = "support@draft-files.test", displayName = "サポート", isDefault = true, host = "127.0.0.1", port = 9, security = "none", authentication = "none",
        })).EnsureSuccessStatusCode();
        var ticket = (await fixture.App.ReceiveAsync(inbox, InboundMail.Eml($"{Guid.NewGuid():N}@example.com", subject: "見積書の件", from: "customer@example.com"))).TicketId!.Value;

        await using var session = await fixture.NewSessionAsync();
        var page = session.Page;
        await session.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
        await page.GotoAsync($"/tickets/{ticket}");
        await session.WaitLiveAsync();
        var box = page.GetByTestId("reply-box");
        await box.Locator("input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "見積書.pdf", MimeType = "application/pdf", Buffer = [.. "%PDF-1.4\n"u8, .. new byte[1536 - 9]],
        });
        await Expect(box.GetByTestId("attachment-chip")).ToHaveCountAsync(1);
        // The attachment alone is worth a draft.
        await Expect(page.GetByTestId("draft-saved")).ToBeVisibleAsync();

        await page.ReloadAsync();
        await session.WaitLiveAsync();
        var chip = page.GetByTestId("reply-box").GetByTestId("attachment-chip");
        await Expect(chip).ToHaveCountAsync(1);
        await Expect(chip).ToContainTextAsync("見積書.pdf");
        await Expect(chip).ToContainTextAsync("1.5 KB");

        await page.GetByTestId("reply-box").GetByLabel("本文").FillAsync("見積書をお送りします。");
        await page.GetByTestId("reply-box").GetByRole(AriaRole.Button, new() { Name = "送信", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("reply-queued")).ToBeVisibleAsync();
        var sent = await fixture.App.WithDbAsync(db => db.TicketAttachments
            .Where(a => db.TicketMessages.Any(m => m.Id == a.TicketMessageId && m.TicketId == ticket && m.Direction == MessageDirection.Sent))
            .Select(a => new { a.FileName, a.Size }).ToListAsync());
        var file = Assert.Single(sent);
        Assert.Equal("見積書.pdf", file.FileName);
        Assert.Equal(1536, file.Size);
        Assert.Equal(0, await fixture.App.WithDbAsync(db => db.ReplyDrafts.CountAsync(d => d.TicketId == ticket)));
    }
}
