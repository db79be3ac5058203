using System.Globalization;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests.Sending;

/// <summary>送信設定 and the reply box against a real Postfix (delivering into Dovecot): an owner adds a From address and
/// テスト送信 passes every step; a reply shows 送信待ち/送信中 and turns 送信済み without a reload, one that meets a temporary
/// error shows when it is retried and can be cancelled; a wrong SMTP password
/// shows the server's reply, the explanation and the guide, and 再送信 after fixing the password sends it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SendingUiTests(BrowserFixture fixture, PostfixFixture mail) : IClassFixture<PostfixFixture>
{
    [Fact]
    public async Task SendSettings_AddAddressInUi_TestSendPassesEveryStep()
    {
        var support = await mail.AddUniqueUserAsync("support");
        var address = PostfixFixture.AddressOf(support);
        var (account, _, inbox) = await AccountWithInboxAsync();
        await using var session = await fixture.NewSessionAsync();
        var page = session.Page;
        await session.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);

        // From the inbox page, the icon beside 受信設定 opens 送信設定.
        await page.GotoAsync($"/inboxes/{inbox}");
        await session.WaitLiveAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "送信窓口 の送信設定" }).ClickAsync();
        await page.WaitForURLAsync($"**/inboxes/{inbox}/settings/send");
        await Expect(page.GetByTestId("no-send-addresses")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "差出人アドレスを追加" }).ClickAsync();
        var form = page.GetByTestId("send-address-form");
        await Expect(form.GetByLabel("ポート", new() { Exact = true })).ToHaveValueAsync("587");
        await form.GetByLabel("暗号化", new() { Exact = true }).SelectOptionAsync("tls");
        await Expect(form.GetByLabel("ポート", new() { Exact = true })).ToHaveValueAsync("465");
        await form.GetByLabel("暗号化", new() { Exact = true }).SelectOptionAsync("starttls");
        await form.GetByLabel("表示名").FillAsync("サポート窓口");
        await form.GetByLabel("差出人メールアドレス").FillAsync(address);
        await form.GetByLabel("SMTPサーバ名 (ホスト)").FillAsync(mail.Postfix.Host);
        await form.GetByLabel("ポート", new() { Exact = true }).FillAsync(mail.Postfix.Submission.Port.ToString(CultureInfo.InvariantCulture));
        // The certificate check is on by default; the test Postfix's certificate is from a private CA, so it is turned off (and warned about).
        await Expect(form.GetByLabel("サーバ証明書を確認する")).ToBeCheckedAsync();
        await form.GetByLabel("サーバ証明書を確認する").UncheckAsync();
        await Expect(form.GetByTestId("certificate-warning")).ToBeVisibleAsync();
        await Expect(form.GetByLabel("認証方式")).ToHaveValueAsync("plain");
        await form.GetByLabel("ユーザ名", new() { Exact = true }).FillAsync(support.Name);
        await form.GetByLabel("パスワード", new() { Exact = true }).FillAsync(support.Password);
        await form.GetByRole(AriaRole.Button, new() { Name = "保存する" }).ClickAsync();

        var card = page.GetByTestId("send-address");
        await Expect(card).ToHaveCountAsync(1);
        await Expect(card).ToContainTextAsync($"サポート窓口 <{address}>");
        await Expect(card.GetByTestId("default-address")).ToHaveTextAsync("既定");

        // テスト送信: every step ✓, from the name lookup to DATA.
        await card.GetByRole(AriaRole.Button, new() { Name = $"{address} のテスト送信" }).ClickAsync();
        var test = card.GetByTestId("send-test");
        await Expect(test).ToHaveAttributeAsync("data-ok", "true", new() { Timeout = 30_000 });
        var steps = test.GetByTestId("test-step");
        await Expect(steps).ToHaveCountAsync(9);
        foreach (var step in await steps.AllAsync())
            await Expect(step).ToHaveAttributeAsync("data-ok", "true");
        foreach (var name in new[] { "名前解決", "接続 (TCP)", "暗号化 (TLS)", "あいさつ (EHLO)", "ログイン (AUTH)", "差出人 (MAIL FROM)", "宛先 (RCPT TO)", "本文 (DATA)" })
            await Expect(test).ToContainTextAsync(name);
        await Expect(test).ToContainTextAsync("テスト送信に成功しました。");
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("send-settings-test-ja"), FullPage = true });

        // The password is never shown back: editing starts with an empty password field that keeps the saved one.
        await card.GetByRole(AriaRole.Button, new() { Name = $"{address} を編集" }).ClickAsync();
        await Expect(form.GetByLabel("パスワード", new() { Exact = true })).ToHaveValueAsync("");
        await Expect(form.GetByText("空欄のままにすると保存済みのパスワードを使います。")).ToBeVisibleAsync();
        Assert.DoesNotContain(support.Password, await page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reply_FromTicket_ShowsWaitingOrSendingThenSent_RetryShownAndCancellable_WithoutReload()
    {
        var customer = await mail.AddUniqueUserAsync("customer");
        var support = await mail.AddUniqueUserAsync("support");
        var (account, api, inbox) = await AccountWithInboxAsync();
        // Postfix's relay port behind a gate: the SMTP session waits until the test has seen the message before it is sent.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var gated = LoopbackRelayListener.Start(mail.Postfix.Smtp.Port, async (client, server) =>
        {
            await gate.Task;
            await using var c = new NetworkStream(client, ownsSocket: true);
            await using var s = new NetworkStream(server, ownsSocket: true);
            await Task.WhenAny(c.CopyToAsync(s), s.CopyToAsync(c));
        });
        await AddSendAddressAsync(api, inbox, new
        {
            address = PostfixFixture.AddressOf(support), displayName = "サポート窓口", isDefault = true, host = mail.Postfix.Host, port = gated.Port,
            security = "none", authentication = "none",
        });
        // A second From address whose server answers every MAIL FROM with a temporary error.
        await using var sink = await SmtpSinkServer.StartNewAsync(["-r", "MAIL", "-b", "451 4.3.0 Try again later"]);
        await AddSendAddressAsync(api, inbox, new
        {
            address = "sales@mail.test", displayName = "営業", isDefault = false, host = "127.0.0.1", port = sink.Port, security = "none", authentication = "none",
        });
        var ticket = await ReceiveAsync(inbox, "form@example.com", $"Reply-To: お客様 <{PostfixFixture.AddressOf(customer)}>");

        await using var session = await fixture.NewSessionAsync();
        var page = session.Page;
        await session.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
        await page.GotoAsync($"/tickets/{ticket}");
        await session.WaitLiveAsync();

        // To is the Reply-To (not the form's From); From is the inbox's default address.
        var box = page.GetByTestId("reply-box");
        await Expect(box.GetByLabel("宛先 (To)")).ToHaveValueAsync($"お客様 <{PostfixFixture.AddressOf(customer)}>");
        await Expect(box.GetByLabel("差出人 (From)")).ToContainTextAsync($"サポート窓口 <{PostfixFixture.AddressOf(support)}>");
        await Expect(box.GetByLabel("送信後のステータス")).ToHaveValueAsync("Closed");
        // Cc suggests the inbox's past correspondents, as on the new-mail page.
        await box.GetByLabel("Cc", new() { Exact = true }).PressSequentiallyAsync("form");
        await Expect(box.GetByTestId("reply-cc").GetByTestId("address-suggestions")).ToContainTextAsync("form@example.com");
        await box.GetByLabel("Cc", new() { Exact = true }).FillAsync("");
        await box.GetByLabel("本文").FillAsync("お問い合わせありがとうございます。");
        await box.GetByRole(AriaRole.Button, new() { Name = "送信", Exact = true }).ClickAsync();

        var state = page.GetByTestId("send-state");
        await Expect(state).ToHaveCountAsync(1);
        await Expect(state).ToHaveAttributeAsync("data-state", new Regex("^(queued|sending)$"));
        await Expect(state.GetByTestId("send-state-chip")).ToHaveTextAsync(new Regex("送信待ち|送信中"));
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("reply-sending-ja"), FullPage = true });

        gate.SetResult();
        await Expect(state).ToHaveAttributeAsync("data-state", "sent", new() { Timeout = 30_000 });
        await Expect(state.GetByTestId("send-state-chip")).ToHaveTextAsync("送信済み");
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("reply-sent-ja"), FullPage = true });
        var detail = await (await api.GetAsync($"/api/v1/tickets/{ticket}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("closed", detail.GetProperty("status").GetString(), ignoreCase: true);

        // From the other address: the 451 keeps it 送信待ち with the time of the next attempt and the server's reply; キャンセル takes it back.
        await box.GetByLabel("差出人 (From)").SelectOptionAsync(new SelectOptionValue { Label = "営業 <sales@mail.test>" });
        await box.GetByLabel("本文").FillAsync("追加のご連絡です。");
        await box.GetByRole(AriaRole.Button, new() { Name = "送信", Exact = true }).ClickAsync();
        await Expect(state).ToHaveCountAsync(2);
        var retrying = state.Nth(1);
        await Expect(retrying.GetByTestId("send-retrying")).ToContainTextAsync("再試行します。次回の送信:", new() { Timeout = 30_000 });
        await Expect(retrying).ToHaveAttributeAsync("data-state", "queued");
        await Expect(retrying.GetByTestId("send-state-chip")).ToHaveTextAsync("送信待ち");
        await Expect(retrying.GetByTestId("server-reply")).ToContainTextAsync("451 4.3.0");
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("reply-retrying-ja"), FullPage = true });
        await retrying.GetByRole(AriaRole.Button, new() { Name = "キャンセル" }).ClickAsync();
        await Expect(retrying).ToHaveAttributeAsync("data-state", "cancelled");
        await Expect(retrying.GetByTestId("send-state-chip")).ToHaveTextAsync("送信取り消し");
        await Expect(state.Nth(0)).ToHaveAttributeAsync("data-state", "sent");
    }

    [Fact]
    public async Task Reply_WrongSmtpPassword_ShowsExplainedErrorAndGuide_ResendAfterFixSends()
    {
        var support = await mail.AddUniqueUserAsync("support");
        var address = PostfixFixture.AddressOf(support);
        var (account, api, inbox) = await AccountWithInboxAsync();
        await AddSendAddressAsync(api, inbox, new
        {
            address, displayName = "Support", host = mail.Postfix.Host, port = mail.Postfix.Submission.Port, security = "starttls",
            validateCertificate = false, authentication = "plain", username = support.Name, password = "wrong-password",
        });
        var ticket = await ReceiveAsync(inbox, address);

        await using var session = await fixture.NewSessionAsync();
        var page = session.Page;
        await session.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
        await page.GotoAsync($"/tickets/{ticket}");
        await session.WaitLiveAsync();
        var box = page.GetByTestId("reply-box");
        await box.GetByLabel("本文").FillAsync("Hello");
        await box.GetByRole(AriaRole.Button, new() { Name = "送信", Exact = true }).ClickAsync();

        // 送信エラー with the server's reply verbatim, the plain Japanese explanation and the guide.
        var state = page.GetByTestId("send-state");
        await Expect(state).ToHaveAttributeAsync("data-state", "failed", new() { Timeout = 30_000 });
        await Expect(state.GetByTestId("send-state-chip")).ToHaveTextAsync("送信エラー");
        var error = state.GetByTestId("send-error");
        await Expect(error).ToHaveAttributeAsync("data-code", "authentication_failed");
        await Expect(error.GetByTestId("server-reply")).ToContainTextAsync("535");
        await Expect(error.GetByTestId("send-error-text")).ToContainTextAsync("SMTPサーバがログインを拒否しました（認証エラー）");
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("reply-send-error-ja"), FullPage = true });
        await error.GetByTestId("help-link").ClickAsync();
        await page.WaitForURLAsync("**/help/mail-not-sending");
        await Expect(page.GetByTestId("help-guide")).ToHaveAttributeAsync("data-guide", "mail-not-sending");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("メールが送信できない");

        // Fix the password in 送信設定, then 再送信 on the ticket.
        await page.GotoAsync($"/inboxes/{inbox}/settings/send");
        await session.WaitLiveAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"{address} を編集" }).ClickAsync();
        var form = page.GetByTestId("send-address-form");
        await form.GetByLabel("パスワード", new() { Exact = true }).FillAsync(support.Password);
        await form.GetByRole(AriaRole.Button, new() { Name = "保存する" }).ClickAsync();
        await Expect(form).ToHaveCountAsync(0);

        await page.GotoAsync($"/tickets/{ticket}");
        await session.WaitLiveAsync();
        await Expect(state).ToHaveAttributeAsync("data-state", "failed");
        await state.GetByRole(AriaRole.Button, new() { Name = "再送信" }).ClickAsync();
        await Expect(state).ToHaveAttributeAsync("data-state", "sent", new() { Timeout = 30_000 });
        await Expect(state.GetByTestId("send-state-chip")).ToHaveTextAsync("送信済み");
        await Expect(state.GetByTestId("send-error")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Reply_WrongSmtpPassword_EnglishBrowser_ShowsEnglishExplanation_ResendAfterFixSends()
    {
        var support = await mail.AddUniqueUserAsync("support");
        var address = PostfixFixture.AddressOf(support);
        var (account, api, inbox) = await AccountWithInboxAsync();
        await AddSendAddressAsync(api, inbox, new
        {
            address, displayName = "Support", host = mail.Postfix.Host, port = mail.Postfix.Submission.Port, security = "starttls",
            validateCertificate = false, authentication = "plain", username = support.Name, password = "wrong-password",
        });
        var ticket = await ReceiveAsync(inbox, address);

        await using var session = await EnglishSessionAsync();
        var page = session.Page;
        await page.GotoAsync("/signin");
        await page.GetByLabel("Email address").FillAsync(account.Owner.Email);
        await page.GetByLabel("Password").FillAsync(MadoguchiApp.DefaultPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await session.WaitLiveAsync();
        await page.GotoAsync($"/tickets/{ticket}");
        await session.WaitLiveAsync();
        var box = page.GetByTestId("reply-box");
        await box.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true }).FillAsync("Hello");
        await box.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();

        // Send error in English: the server's reply verbatim, the plain explanation and the guide.
        var state = page.GetByTestId("send-state");
        await Expect(state).ToHaveAttributeAsync("data-state", "failed", new() { Timeout = 30_000 });
        await Expect(state.GetByTestId("send-state-chip")).ToHaveTextAsync("Send error");
        var error = state.GetByTestId("send-error");
        await Expect(error).ToHaveAttributeAsync("data-code", "authentication_failed");
        await Expect(error.GetByTestId("server-reply")).ToContainTextAsync("535");
        await Expect(error.GetByTestId("send-error-text")).ToContainTextAsync("The SMTP server refused the sign-in (authentication failed).");
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("reply-send-error-en"), FullPage = true });
        await error.GetByTestId("help-link").ClickAsync();
        await page.WaitForURLAsync("**/help/mail-not-sending");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Mail cannot be sent");

        // Fix the password in the send settings, then Resend on the ticket.
        await page.GotoAsync($"/inboxes/{inbox}/settings/send");
        await session.WaitLiveAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = $"Edit {address}" }).ClickAsync();
        var form = page.GetByTestId("send-address-form");
        await form.GetByLabel("Password", new() { Exact = true }).FillAsync(support.Password);
        await form.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(form).ToHaveCountAsync(0);

        await page.GotoAsync($"/tickets/{ticket}");
        await session.WaitLiveAsync();
        await Expect(state).ToHaveAttributeAsync("data-state", "failed");
        await state.GetByRole(AriaRole.Button, new() { Name = "Resend" }).ClickAsync();
        await Expect(state).ToHaveAttributeAsync("data-state", "sent", new() { Timeout = 30_000 });
        await Expect(state.GetByTestId("send-state-chip")).ToHaveTextAsync("Sent");
        await Expect(state.GetByTestId("send-error")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task AssistantReply_WaitsForApproval_OwnerApprovesInTheTicket_ThenSent()
    {
        var customer = await mail.AddUniqueUserAsync("customer");
        var support = await mail.AddUniqueUserAsync("support");
        var (account, api, inbox) = await AccountWithInboxAsync();
        await AddSendAddressAsync(api, inbox, new
        {
            address = PostfixFixture.AddressOf(support), displayName = "サポート窓口", isDefault = true, host = mail.Postfix.Host, port = mail.Postfix.Smtp.Port,
            security = "none", authentication = "none",
        });
        var assistant = await account.AddActiveUserAsync(api, "補佐", "一郎");
        var role = await api.PutAsJsonAsync($"/api/v1/inboxes/{inbox}/roles/{assistant.Id}", new { role = "assistant" });
        Assert.True(role.IsSuccessStatusCode, await role.Content.ReadAsStringAsync());
        var ticket = await ReceiveAsync(inbox, PostfixFixture.AddressOf(customer));

        // The アシスタント writes the reply: the box says it will wait, and the message shows 承認待ち with nothing to approve.
        await using (var session = await fixture.NewSessionAsync())
        {
            var page = session.Page;
            await session.SignInAsync(assistant.Email, MadoguchiApp.DefaultPassword);
            await page.GotoAsync($"/tickets/{ticket}");
            await session.WaitLiveAsync();
            var box = page.GetByTestId("reply-box");
            await Expect(box.GetByTestId("reply-approval-note")).ToBeVisibleAsync();
            await box.GetByLabel("本文").FillAsync("ご確認ください。");
            await box.GetByRole(AriaRole.Button, new() { Name = "承認を依頼" }).ClickAsync();
            var waiting = page.GetByTestId("send-state");
            await Expect(waiting).ToHaveAttributeAsync("data-state", "awaitingApproval", new() { Timeout = 30_000 });
            await Expect(waiting.GetByTestId("send-state-chip")).ToHaveTextAsync("承認待ち");
            await Expect(waiting.GetByTestId("approve-reply")).ToHaveCountAsync(0);
        }

        // The owner approves it on the ticket; it goes out through Postfix.
        await using (var session = await fixture.NewSessionAsync())
        {
            var page = session.Page;
            await session.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
            await page.GotoAsync($"/tickets/{ticket}");
            await session.WaitLiveAsync();
            var state = page.GetByTestId("send-state");
            await Expect(state).ToHaveAttributeAsync("data-state", "awaitingApproval");
            await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("reply-awaiting-approval-ja"), FullPage = true });
            await state.GetByTestId("approve-reply").ClickAsync();
            await Expect(state).ToHaveAttributeAsync("data-state", "sent", new() { Timeout = 30_000 });
            await Expect(state.GetByTestId("send-state-chip")).ToHaveTextAsync("送信済み");
        }
    }

    private async Task<UiSession> EnglishSessionAsync()
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.App.BaseAddress.ToString(),
            Locale = "en-US",
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
        });
        context.SetDefaultTimeout(15_000);
        return new UiSession(context, await context.NewPageAsync());
    }

    private async Task<(TestAccount Account, HttpClient Api, Guid Inbox)> AccountWithInboxAsync()
    {
        var account = await fixture.App.CreateAccountAsync();
        var api = await account.SignInOwnerAsync();
        var inbox = await account.CreateInboxAsync("送信窓口");
        return (account, api, inbox.Id);
    }

    private static async Task AddSendAddressAsync(HttpClient api, Guid inbox, object body)
    {
        var response = await api.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/send-addresses", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<Guid> ReceiveAsync(Guid inbox, string from, params string[] extraHeaders)
    {
        var location = await fixture.App.ReceiveAsync(inbox, InboundMail.Eml($"{Guid.NewGuid():N}@example.com", subject: "注文について", from: from, extraHeaders: extraHeaders));
        return location.TicketId!.Value;
    }
}
