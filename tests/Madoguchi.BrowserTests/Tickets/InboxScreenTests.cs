using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Core.Inboxes;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests.Tickets;

/// <summary>The inbox screen as a team uses it, two people of one account in two browsers against a real Dovecot: a
/// mail delivered to the server appears in 未対応 in both without a reload; B sees that A has the ticket open; A assigns
/// it to B and B sees it; being assigned and a comment with @B ring B's bell; the keyboard closes it. Screenshots in
/// Japanese and English at 1280×800 and 1920×1080.</summary>
[Collection(BrowserCollection.Name)]
public sealed class InboxScreenTests(BrowserFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task InboxScreen_TwoUsers_MailAssignmentAndMentionArriveLive()
    {
        await using var dovecot = await DovecotServer.StartNewAsync();
        var mailbox = await dovecot.AddUserAsync("team" + Guid.NewGuid().ToString("N")[..8], "imap-pass-" + Guid.NewGuid().ToString("N")[..8]);
        var account = await fixture.App.CreateAccountAsync();
        var api = await account.SignInOwnerAsync();
        var inbox = (await (await api.PostAsJsonAsync("/api/v1/inboxes", new { name = "サポート", colour = "#1e88e5" }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<InboxView>(MadoguchiJson.Options))!;
        var userB = await account.AddActiveUserAsync(api, "鈴木", "次郎");
        await fixture.App.WithDbAsync(async db =>
        {
            db.InboxRoles.Add(new InboxRoleAssignment { InboxId = inbox.Id, UserId = userB.Id, Role = InboxRole.Operator });
            await db.SaveChangesAsync();
            return await db.Users.Where(u => u.Id == userB.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.MentionName, "suzuki"));
        });
        (await api.PostAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/receive-servers", new
        {
            protocol = "imap", host = dovecot.Host, port = dovecot.ImapPort, security = "none", validateCertificate = true,
            username = mailbox.Name, password = mailbox.Password, pollSeconds = 3600,
        })).EnsureSuccessStatusCode();

        await using var a = await fixture.NewSessionAsync();
        await using var b = await fixture.NewSessionAsync();
        await a.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
        await b.SignInAsync(userB.Email, MadoguchiApp.DefaultPassword);
        foreach (var s in new[] { a, b })
        {
            await s.Page.SetViewportSizeAsync(1280, 800);
            await s.Page.GotoAsync($"/inboxes/{inbox.Id}");
            await s.WaitLiveAsync();
            await Expect(s.Page.GetByTestId("no-tickets")).ToBeVisibleAsync();
            await Expect(OpenCount(s.Page)).ToHaveTextAsync("0");
        }

        // New mail on the server: both lists and both 未対応 counts move without a reload (Row waits without reloading).
        const string subject = "請求書の再発行について";
        await dovecot.DeliverAsync(mailbox.Name, DovecotServer.SampleMessage($"{Guid.NewGuid():N}@example.test", subject, "先月の請求書を再発行してください。"));
        var watch = Stopwatch.StartNew();
        (await api.PostAsync($"/api/v1/inboxes/{inbox.Id}/fetch", null)).EnsureSuccessStatusCode();
        foreach (var s in new[] { a, b })
        {
            await Expect(Row(s.Page, subject)).ToBeVisibleAsync();
            await Expect(OpenCount(s.Page)).ToHaveTextAsync("1");
        }
        output.WriteLine($"Mail fetched and shown live in both browsers after {watch.ElapsedMilliseconds} ms");

        // A opens it (right pane), then B: B sees that A has it open.
        await Row(a.Page, subject).GetByRole(AriaRole.Link, new() { Name = subject }).ClickAsync();
        await Expect(a.Page.GetByTestId("ticket")).ToBeVisibleAsync();
        await Expect(a.Page.GetByTestId("message")).ToHaveCountAsync(1);
        // Unread is per person: A's mark goes, B's stays until B opens it.
        await Expect(Row(a.Page, subject).GetByTestId("unread-mark")).ToHaveCountAsync(0);
        await Expect(Row(b.Page, subject).GetByTestId("unread-mark")).ToHaveCountAsync(1);
        await Row(b.Page, subject).GetByRole(AriaRole.Link, new() { Name = subject }).ClickAsync();
        await Expect(b.Page.GetByTestId("presence")).ToContainTextAsync(account.Owner.DisplayName);

        // A assigns it to B: B's list row and B's open ticket show it at once.
        watch.Restart();
        await a.Page.GetByTestId("ticket").Locator(".mud-select").Filter(new() { HasText = "担当者" }).First.ClickAsync();
        await a.Page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = userB.DisplayName }).ClickAsync();
        await Expect(Row(b.Page, subject).GetByTestId("assignee")).ToHaveTextAsync(userB.DisplayName);
        output.WriteLine($"Assignment seen by B after {watch.ElapsedMilliseconds} ms");

        // Being assigned rang B's bell once; a comment with @suzuki rings it again.
        await Expect(b.Page.GetByTestId("bell")).ToHaveAttributeAsync("data-unread", "1");
        await a.Page.GetByTestId("ticket").GetByRole(AriaRole.Textbox, new() { Name = "コメント" }).FillAsync("@suzuki 請求書の件、確認をお願いします。");
        await a.Page.Keyboard.PressAsync("Tab");
        await a.Page.GetByTestId("ticket").GetByRole(AriaRole.Button, new() { Name = "コメントする" }).ClickAsync();
        await Expect(b.Page.GetByTestId("bell")).ToHaveAttributeAsync("data-unread", "2");

        // Shortcuts: 「?」 lists them; 「e」 closes the open ticket, which leaves 未対応 in both browsers.
        await a.Page.GetByTestId("ticket").GetByRole(AriaRole.Heading, new() { Name = subject }).ClickAsync();
        await a.Page.Keyboard.PressAsync("?");
        await Expect(a.Page.GetByTestId("shortcut-list")).ToContainTextAsync("対応完了にする");
        await Shoot(a.Page, "inbox-shortcuts-ja-1280");
        await a.Page.Keyboard.PressAsync("Escape");
        await Expect(a.Page.GetByTestId("shortcut-list")).ToHaveCountAsync(0);
        await Shoot(a.Page, "inbox-ticket-ja-1280");
        await a.Page.SetViewportSizeAsync(1920, 1080);
        await Shoot(a.Page, "inbox-ticket-ja-1920");
        await a.Page.Keyboard.PressAsync("e");
        foreach (var s in new[] { a, b })
            await Expect(OpenCount(s.Page)).ToHaveTextAsync("0");
        await Expect(Row(b.Page, subject)).ToHaveCountAsync(0);
        await Expect(b.Page.Locator("[data-bucket='closed'] [data-testid='bucket-count']")).ToHaveTextAsync("1");

        // The same screens in English.
        await a.Context.AddCookiesAsync([new Cookie { Name = ".AspNetCore.Culture", Value = "c=en|uic=en", Url = fixture.App.BaseAddress.ToString() }]);
        await a.Page.GotoAsync($"/inboxes/{inbox.Id}?tab=closed");
        await a.WaitLiveAsync();
        await Row(a.Page, subject).GetByRole(AriaRole.Link, new() { Name = subject }).ClickAsync();
        await Expect(a.Page.GetByTestId("ticket").GetByRole(AriaRole.Button, new() { Name = "Closed" })).ToHaveAttributeAsync("aria-pressed", "true");
        await Shoot(a.Page, "inbox-ticket-en-1920");
        await a.Page.SetViewportSizeAsync(1280, 800);
        await Shoot(a.Page, "inbox-ticket-en-1280");
        await Shoot(b.Page, "inbox-list-ja-1280");
    }

    private static ILocator Row(IPage page, string subject) =>
        page.GetByTestId("ticket-row").Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = subject }) });

    private static ILocator OpenCount(IPage page) => page.Locator("[data-bucket='open'] [data-testid='bucket-count']");

    private static Task Shoot(IPage page, string name) => page.ScreenshotAsync(new() { Path = Screenshots.PathFor(name) });
}
