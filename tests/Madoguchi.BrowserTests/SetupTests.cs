using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class SetupTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Setup_FreshInstallation_CreatesOwnerAndSignsIn()
    {
        await using var app = await MadoguchiApp.StartAsync(DatabaseProvider.Sqlite, kestrel: true, setUp: false, emptyDatabase: true);
        await using var session = await fixture.NewSessionAsync(app);
        var page = session.Page;

        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/setup");
        await page.GetByLabel("運営者のメールアドレス").FillAsync("ops@example.com");
        await page.GetByLabel("運営者のパスワード").FillAsync("operator-secret-1");
        await page.GetByLabel("アカウント名", new() { Exact = true }).FillAsync("株式会社窓口");
        await page.GetByLabel("姓", new() { Exact = true }).FillAsync("田中");
        await page.GetByLabel("名", new() { Exact = true }).FillAsync("太郎");
        await page.GetByLabel("アカウントオーナーのメールアドレス").FillAsync("tanaka@example.com");
        await page.GetByLabel("アカウントオーナーのパスワード").FillAsync("owner-secret-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "設定してログイン" }).ClickAsync();

        await page.WaitForURLAsync("**/inboxes");
        await session.WaitLiveAsync();
        await Expect(page.GetByTestId("account-name")).ToHaveTextAsync("株式会社窓口");
        await Expect(page.GetByTestId("me-name")).ToContainTextAsync("田中 太郎");
        await Expect(page.GetByTestId("me-name").GetByTestId("owner-shield")).ToBeVisibleAsync();

        // Once set up, the setup page refuses.
        await page.GotoAsync("/setup");
        await Expect(page.GetByTestId("setup-refused")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("運営者のメールアドレス")).ToHaveCountAsync(0);
    }
}
