using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Operators.TwoFactor;
using Madoguchi.Testing.App;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class OperatorConsoleTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Operator_EnrolsTotpWithQrCode_OpensAnAccount_OwnerAcceptsTheInvitation_OperatorSignsInAgainWithARecoveryCode()
    {
        // An app of its own: the operator's authenticator is reset here, which the shared app's other tests rely on.
        await using var app = await MadoguchiApp.StartAsync(DatabaseProvider.Sqlite, kestrel: true);
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.True((await scope.ServiceProvider.GetRequiredService<ResetOperatorTwoFactorCommand>().HandleAsync(Actor.ServerConsole(), MadoguchiApp.OperatorEmail, default)).Succeeded);
        await using var op = await fixture.NewSessionAsync(app);
        var page = op.Page;

        // Password first; an operator without TOTP is taken to enrolment: QR code, the key to type, the first code.
        await page.GotoAsync("/operator/signin");
        await page.GetByLabel("メールアドレス").FillAsync(MadoguchiApp.OperatorEmail);
        await page.GetByLabel("パスワード").FillAsync(MadoguchiApp.OperatorPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "ログイン", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/operator/signin/enrol");
        await Expect(page.GetByRole(AriaRole.Img, new() { Name = "認証アプリ用のQRコード" })).ToBeVisibleAsync();
        Assert.StartsWith("data:image/png;base64,", await page.GetByTestId("totp-qr").GetAttributeAsync("src"), StringComparison.Ordinal);
        var key = Base32.Decode(await page.GetByTestId("totp-secret").TextContentAsync() ?? "");
        await page.GetByLabel("確認コード").FillAsync("000000" == Totp.Code(key, Totp.StepAt(DateTimeOffset.UtcNow)) ? "111111" : "000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "2段階認証を有効にする" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("コードが正しくないか");
        await page.GetByLabel("確認コード").FillAsync(Totp.Code(key, Totp.StepAt(DateTimeOffset.UtcNow)));
        await page.GetByRole(AriaRole.Button, new() { Name = "2段階認証を有効にする" }).ClickAsync();
        await Expect(page.GetByTestId("enrolled")).ToBeVisibleAsync();
        var recoveryCodes = await page.GetByTestId("recovery-code").AllTextContentsAsync();
        Assert.Equal(10, recoveryCodes.Count);
        await page.GetByTestId("continue").ClickAsync();
        await page.WaitForURLAsync("**/operator");
        await op.WaitLiveAsync();

        // アカウントの開設: the first owner gets an invitation link.
        var email = $"hiraku.{Guid.NewGuid():N}@example.com";
        var form = page.GetByTestId("open-account");
        await form.GetByLabel("アカウント名").FillAsync("株式会社ひらく");
        await form.GetByLabel("姓", new() { Exact = true }).FillAsync("佐藤");
        await form.GetByLabel("名", new() { Exact = true }).FillAsync("花子");
        await form.GetByLabel("アカウントオーナーのメールアドレス").FillAsync(email);
        await form.GetByRole(AriaRole.Button, new() { Name = "アカウントを開設" }).ClickAsync();
        var link = await page.GetByTestId("invitation-link").TextContentAsync() ?? "";
        Assert.Contains("/invitations/inv_", link, StringComparison.Ordinal);
        await Expect(page.Locator("[data-testid='operator-account'][data-account-name='株式会社ひらく']")).ToContainTextAsync(email);

        // The owner opens the link, sets a password and is signed in to the new account as its owner.
        await using var owner = await fixture.NewSessionAsync(app);
        await owner.Page.GotoAsync(link);
        await Expect(owner.Page.GetByTestId("invitation-greeting")).ToContainTextAsync("佐藤 花子");
        await owner.Page.GetByLabel("新しいパスワード（8文字以上）").FillAsync("hanako-password-1");
        await owner.Page.GetByLabel("新しいパスワード(確認)").FillAsync("hanako-password-1");
        await owner.Page.GetByRole(AriaRole.Button, new() { Name = "パスワードを設定してログイン" }).ClickAsync();
        await owner.Page.WaitForURLAsync("**/inboxes");
        await owner.WaitLiveAsync();
        await Expect(owner.Page.GetByTestId("account-name")).ToHaveTextAsync("株式会社ひらく");
        await Expect(owner.Page.GetByTestId("me-name").GetByTestId("owner-shield")).ToBeVisibleAsync();

        // Another browser: password, then a recovery code instead of the app's code.
        await using var again = await fixture.NewSessionAsync(app);
        await again.Page.GotoAsync("/operator/signin");
        await again.Page.GetByLabel("メールアドレス").FillAsync(MadoguchiApp.OperatorEmail);
        await again.Page.GetByLabel("パスワード").FillAsync(MadoguchiApp.OperatorPassword);
        await again.Page.GetByRole(AriaRole.Button, new() { Name = "ログイン", Exact = true }).ClickAsync();
        await again.Page.WaitForURLAsync("**/operator/signin/code");
        await again.Page.GetByLabel("確認コード").FillAsync(recoveryCodes[0]);
        await again.Page.GetByRole(AriaRole.Button, new() { Name = "確認", Exact = true }).ClickAsync();
        await again.Page.WaitForURLAsync("**/operator");
        await again.WaitLiveAsync();
        var card = again.Page.Locator("[data-testid='operator-account'][data-account-name='株式会社ひらく']");
        await Expect(card).ToContainTextAsync("最終利用:");
        // Its plan and limits against use: no plan yet (the installation's defaults), one user (the owner).
        await Expect(card.GetByTestId("account-plan")).ToContainTextAsync("プランは未設定です");
        await Expect(card.GetByTestId("account-usage")).ToContainTextAsync("ユーザ 1/");
    }
}
