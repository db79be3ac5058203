using System.Diagnostics;
using System.Net.Http.Json;
using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Core.Inboxes;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests.Receiving;

/// <summary>受信設定 against a real Dovecot: the owner connects the inbox to an IMAP server, tests it, fetches, finds the
/// ticket; a wrong password shows the plain Japanese error and the warning mark in the inbox list; the missing-mail
/// page finds a message in the server's Junk folder.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReceiveSettingsTests(BrowserFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task ReceiveSettings_Imap_TestFetchWrongPasswordAndMissingMail()
    {
        var watch = Stopwatch.StartNew();
        await using var dovecot = await DovecotServer.StartNewAsync();
        var mailbox = await dovecot.AddUserAsync("support" + Guid.NewGuid().ToString("N")[..8], "imap-pass-" + Guid.NewGuid().ToString("N")[..8]);
        await dovecot.DeliverAsync(mailbox.Name, DovecotServer.SampleMessage($"{Guid.NewGuid():N}@example.test", "Invoice 4711 question", "請求書について"));
        await dovecot.CreateFolderAsync(mailbox.Name, "Junk");
        await dovecot.DeliverAsync(mailbox.Name, DovecotServer.SampleMessage($"{Guid.NewGuid():N}@example.test", "Order 7781 never arrived", "届かない"), "Junk");

        var account = await fixture.App.CreateAccountAsync();
        var api = await account.SignInOwnerAsync();
        var inbox = (await (await api.PostAsJsonAsync("/api/v1/inboxes", new { name = "サポート", colour = "#1e88e5" }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<InboxView>(MadoguchiJson.Options))!;
        var operatorUser = await account.AddActiveUserAsync(api, "佐藤", "一郎");
        await fixture.App.WithDbAsync(db =>
        {
            db.InboxRoles.Add(new InboxRoleAssignment { InboxId = inbox.Id, UserId = operatorUser.Id, Role = InboxRole.Operator });
            return db.SaveChangesAsync();
        });
        output.WriteLine($"Dovecot and account ready after {watch.ElapsedMilliseconds} ms");

        await using var session = await fixture.NewSessionAsync();
        var page = session.Page;
        await session.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);

        // From the inbox page, the gear opens 受信設定.
        await page.GotoAsync($"/inboxes/{inbox.Id}");
        await session.WaitLiveAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "サポート の受信設定" }).ClickAsync();
        await page.WaitForURLAsync($"**/inboxes/{inbox.Id}/settings/receive");
        await Expect(page.GetByTestId("no-receive-servers")).ToBeVisibleAsync();

        // Add IMAP, no encryption: the port follows the security (993 → 143), then the Dovecot port is typed in.
        await page.GetByRole(AriaRole.Button, new() { Name = "受信サーバを追加" }).ClickAsync();
        var form = page.GetByTestId("receive-server-form");
        await Expect(form.GetByLabel("ポート", new() { Exact = true })).ToHaveValueAsync("993");
        await form.GetByLabel("暗号化", new() { Exact = true }).SelectOptionAsync("none");
        await Expect(form.GetByLabel("ポート", new() { Exact = true })).ToHaveValueAsync("143");
        // The certificate check is on by default; turning it off warns (only meaningful with encryption).
        await form.GetByLabel("暗号化", new() { Exact = true }).SelectOptionAsync("tls");
        await Expect(form.GetByLabel("ポート", new() { Exact = true })).ToHaveValueAsync("993");
        await Expect(form.GetByLabel("サーバ証明書を確認する")).ToBeCheckedAsync();
        await form.GetByLabel("サーバ証明書を確認する").UncheckAsync();
        await Expect(form.GetByTestId("certificate-warning")).ToBeVisibleAsync();
        await form.GetByLabel("サーバ証明書を確認する").CheckAsync();
        await form.GetByLabel("暗号化", new() { Exact = true }).SelectOptionAsync("none");
        // Validation speaks Japanese.
        await form.GetByLabel("サーバ名 (ホスト)").FillAsync("mail server!");
        await form.GetByLabel("ユーザ名", new() { Exact = true }).FillAsync(mailbox.Name);
        await form.GetByLabel("パスワード", new() { Exact = true }).FillAsync(mailbox.Password);
        await form.GetByRole(AriaRole.Button, new() { Name = "保存する" }).ClickAsync();
        await Expect(form.GetByTestId("receive-form-error")).ToHaveTextAsync("サーバ名は mail.example.co.jp のようなホスト名か IP アドレスで入力してください。");
        await form.GetByLabel("サーバ名 (ホスト)").FillAsync(dovecot.Host);
        await form.GetByLabel("ポート", new() { Exact = true }).FillAsync(dovecot.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await form.GetByLabel("ユーザ名", new() { Exact = true }).FillAsync(mailbox.Name);
        await form.GetByLabel("パスワード", new() { Exact = true }).FillAsync(mailbox.Password);
        await Expect(form.GetByLabel("受信するフォルダ (1行に1つ)")).ToHaveValueAsync("INBOX");
        await form.GetByRole(AriaRole.Button, new() { Name = "保存する" }).ClickAsync();
        var card = page.GetByTestId("receive-server");
        await Expect(card).ToHaveCountAsync(1);

        // 接続テスト: every step ✓, with the message count of INBOX.
        await card.GetByRole(AriaRole.Button, new() { Name = "接続テスト" }).ClickAsync();
        var test = card.GetByTestId("connection-test");
        await Expect(test).ToHaveAttributeAsync("data-ok", "true");
        var steps = test.GetByTestId("test-step");
        await Expect(steps).ToHaveCountAsync(7);
        foreach (var step in await steps.AllAsync())
            await Expect(step).ToHaveAttributeAsync("data-ok", "true");
        foreach (var name in new[] { "名前解決", "接続先の確認", "接続 (TCP)", "暗号化 (TLS)", "ログイン", "フォルダ", "メール件数" })
            await Expect(test).ToContainTextAsync(name);
        await Expect(test.Locator("[data-step='message_count']")).ToContainTextAsync("サーバ上のメール: 1 通");
        await Expect(test.GetByRole(AriaRole.Img, new() { Name = "成功" })).ToHaveCountAsync(7);

        // 今すぐ受信 answers with counts; the worker may have fetched first, so either 1 new or 1 already received.
        await page.GetByRole(AriaRole.Button, new() { Name = "今すぐ受信" }).ClickAsync();
        await Expect(page.GetByTestId("fetch-result")).ToContainTextAsync("受信しました");
        await Expect(card.GetByTestId("progress")).ToHaveTextAsync("1 / 1");
        await Expect(card.GetByTestId("fetched-today")).ToHaveTextAsync("1");
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("receive-settings-ja"), FullPage = true });

        // The ticket is in the inbox (the pipeline turns the stored original into a ticket within moments).
        await ExpectTicketAsync(page, inbox.Id, "Invoice 4711 question");

        // メールが見つからない: the mail in the server's Junk folder is found and explained.
        await page.GotoAsync($"/inboxes/{inbox.Id}/missing-mail");
        await session.WaitLiveAsync();
        await page.GetByLabel("件名に含まれる語").FillAsync("7781");
        await page.GetByRole(AriaRole.Button, new() { Name = "検索" }).ClickAsync();
        var match = page.GetByTestId("missing-match");
        await Expect(match).ToHaveCountAsync(1);
        await Expect(match).ToHaveAttributeAsync("data-place", "in_server_spam");
        await Expect(match).ToContainTextAsync("受信サーバの迷惑メールフォルダ (Junk) にあります");
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("missing-mail-junk-ja"), FullPage = true });
        // The fetched one is already in Madoguchi, with a link to its ticket.
        await page.GetByLabel("件名に含まれる語").FillAsync("4711");
        await page.GetByRole(AriaRole.Button, new() { Name = "検索" }).ClickAsync();
        await Expect(match).ToHaveAttributeAsync("data-place", "in_madoguchi");
        await Expect(match.GetByRole(AriaRole.Link, new() { Name = "チケットを開く" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("missing-mail-ja"), FullPage = true });

        // A wrong password: the plain Japanese error on the page, and the warning mark in the inbox list.
        await page.GotoAsync($"/inboxes/{inbox.Id}/settings/receive");
        await session.WaitLiveAsync();
        await card.GetByRole(AriaRole.Button, new() { Name = "を編集" }).ClickAsync();
        await Expect(form.GetByText("空欄のままにすると保存済みのパスワードを使います。")).ToBeVisibleAsync();
        await form.GetByLabel("パスワード", new() { Exact = true }).FillAsync("wrong-password");
        await form.GetByRole(AriaRole.Button, new() { Name = "保存する" }).ClickAsync();
        await Expect(form).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "今すぐ受信" }).ClickAsync();
        await Expect(card.GetByTestId("last-error-text")).ToHaveTextAsync("ログインできませんでした。ユーザ名とパスワードを確認してください。");
        var mark = page.GetByRole(AriaRole.Link, new() { Name = "サポート の受信エラー" });
        await Expect(mark).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("receive-settings-error-ja"), FullPage = true });
        await page.GotoAsync("/");
        await session.WaitLiveAsync();
        await mark.ClickAsync();
        await page.WaitForURLAsync($"**/inboxes/{inbox.Id}/settings/receive");

        // SSL/TLS with the certificate check on: the test CA of the Dovecot fixture is not trusted, and the TLS step says so.
        await card.GetByRole(AriaRole.Button, new() { Name = "を編集" }).ClickAsync();
        await form.GetByLabel("暗号化", new() { Exact = true }).SelectOptionAsync("tls");
        await form.GetByLabel("ポート", new() { Exact = true }).FillAsync(dovecot.ImapsPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Where the password goes changed: it must be typed again, and the form says why.
        await Expect(form.GetByTestId("receive-password")).ToHaveAttributeAsync("data-required", "true");
        await Expect(form.GetByText("パスワードを再入力してください。")).ToBeVisibleAsync();
        await form.GetByLabel("パスワード", new() { Exact = true }).FillAsync("wrong-password");
        await form.GetByRole(AriaRole.Button, new() { Name = "保存する" }).ClickAsync();
        await Expect(form).ToHaveCountAsync(0);
        await card.GetByRole(AriaRole.Button, new() { Name = "接続テスト" }).ClickAsync();
        await Expect(test).ToHaveAttributeAsync("data-ok", "false");
        var tls = test.Locator("[data-step='tls']");
        await Expect(tls).ToHaveAttributeAsync("data-ok", "false");
        await Expect(tls).ToContainTextAsync("サーバ証明書");
        await Expect(tls.GetByRole(AriaRole.Img, new() { Name = "失敗" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("receive-test-certificate-ja"), FullPage = true });

        // An オペレータ of the inbox sees neither the mark nor the settings.
        await using var operatorSession = await fixture.NewSessionAsync();
        await operatorSession.SignInAsync(operatorUser.Email, MadoguchiApp.DefaultPassword);
        await operatorSession.Page.GotoAsync($"/inboxes/{inbox.Id}");
        await operatorSession.WaitLiveAsync();
        await Expect(operatorSession.Page.GetByRole(AriaRole.Link, new() { Name = "サポート", Exact = true })).ToBeVisibleAsync();
        await Expect(operatorSession.Page.GetByTestId("receive-error-mark")).ToHaveCountAsync(0);
        await Expect(operatorSession.Page.GetByTestId("receive-settings-link")).ToHaveCountAsync(0);
        await operatorSession.Page.GotoAsync($"/inboxes/{inbox.Id}/settings/receive");
        await Expect(operatorSession.Page.GetByTestId("receive-refused")).ToContainTextAsync("受信設定を表示・変更できるのは、この受信箱の管理者とアカウントオーナーだけです。");

        // Deleting the server asks first; mail already received stays.
        await card.GetByRole(AriaRole.Button, new() { Name = "を削除" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "削除する" }).ClickAsync();
        await Expect(page.GetByTestId("no-receive-servers")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "サポート の受信エラー" })).ToHaveCountAsync(0);
        await ExpectTicketAsync(page, inbox.Id, "Invoice 4711 question");
        output.WriteLine($"Done after {watch.ElapsedMilliseconds} ms");
    }

    private static async Task ExpectTicketAsync(IPage page, Guid inboxId, string subject)
    {
        var link = page.GetByRole(AriaRole.Link, new() { Name = subject });
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            await page.GotoAsync($"/inboxes/{inboxId}");
            await page.Locator("h1").WaitForAsync();
            if (await link.CountAsync() > 0 || DateTime.UtcNow > deadline)
                break;
            await Task.Delay(300);
        }
        await Expect(link).ToBeVisibleAsync();
    }
}
