using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Testing.App;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class UserManagementTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Users_AddedByOwner_RegistersThroughInvitationAndBecomesOwner()
    {
        var account = await fixture.App.CreateAccountAsync();
        var email = $"new-{Guid.NewGuid():N}@example.com";
        await using var owner = await fixture.NewSessionAsync();
        await owner.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
        await owner.OpenUsersThroughGearAsync();

        // ユーザ追加 → the invitation link to pass on.
        await owner.Page.GetByRole(AriaRole.Button, new() { Name = "ユーザ追加" }).ClickAsync();
        var dialog = owner.Page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("姓", new() { Exact = true }).FillAsync("伊藤");
        await dialog.GetByLabel("名", new() { Exact = true }).FillAsync("さくら");
        await dialog.GetByLabel("メールアドレス", new() { Exact = true }).FillAsync(email);
        await dialog.GetByLabel("メールアドレス(確認)").FillAsync(email);
        await dialog.GetByLabel("部署名").FillAsync("サポート部");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "追加して招待リンクを作成" }).ClickAsync();
        await owner.Page.ScreenshotAsync(new() { Path = Screenshots.PathFor("add-user-ja") });
        var link = await dialog.GetByTestId("invitation-url").TextContentAsync() ?? "";
        Assert.Contains("/invitations/inv_", link, StringComparison.Ordinal);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "閉じる" }).ClickAsync();
        await owner.Page.GetByRole(AriaRole.Tab, new() { Name = "登録待ち" }).ClickAsync();
        await Expect(owner.UserRow(email)).ToBeVisibleAsync();

        // The invited person opens the link, chooses a password and is signed in.
        await using var invited = await fixture.NewSessionAsync();
        await invited.Page.GotoAsync(link);
        await Expect(invited.Page.GetByTestId("invitation-greeting")).ToContainTextAsync("伊藤 さくら");
        await invited.Page.GetByLabel("新しいパスワード（8文字以上）").FillAsync("sakura-password-1");
        await invited.Page.GetByLabel("新しいパスワード(確認)").FillAsync("sakura-password-1");
        await invited.Page.GetByRole(AriaRole.Button, new() { Name = "パスワードを設定してログイン" }).ClickAsync();
        await invited.Page.WaitForURLAsync("**/inboxes");
        await invited.WaitLiveAsync();

        // 編集する → アカウントオーナーとして設定する: the green shield appears beside the new owner.
        await owner.Page.GetByRole(AriaRole.Tab, new() { Name = "使用中" }).ClickAsync();
        await owner.Page.ReloadAsync();
        await owner.WaitLiveAsync();
        var row = owner.UserRow(email);
        await row.GetByRole(AriaRole.Button, new() { Name = "編集する" }).ClickAsync();
        await owner.Page.GetByRole(AriaRole.Dialog).GetByText("アカウントオーナーとして設定する").ClickAsync();
        await owner.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "保存する" }).ClickAsync();
        await Expect(row.GetByRole(AriaRole.Img, new() { Name = "アカウントオーナー" })).ToBeVisibleAsync();

        // Taking the shield away again leaves the first owner as the last one, and removing the last owner is refused with the reason.
        await row.GetByRole(AriaRole.Button, new() { Name = "編集する" }).ClickAsync();
        await owner.Page.GetByRole(AriaRole.Dialog).GetByText("アカウントオーナーとして設定する").ClickAsync();
        await owner.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "保存する" }).ClickAsync();
        await Expect(row.GetByRole(AriaRole.Img, new() { Name = "アカウントオーナー" })).ToHaveCountAsync(0);
        var me = owner.UserRow(account.Owner.Email);
        await me.GetByRole(AriaRole.Button, new() { Name = "編集する" }).ClickAsync();
        await owner.Page.GetByRole(AriaRole.Dialog).GetByText("アカウントオーナーとして設定する").ClickAsync();
        await owner.Page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "保存する" }).ClickAsync();
        await Expect(owner.Page.GetByTestId("edit-error")).ToContainTextAsync("アカウントオーナーは最低1人必要です");
    }

    [Fact]
    public async Task PersonalSettings_ChooseEnglish_UiSwitchesLanguage()
    {
        var account = await fixture.App.CreateAccountAsync();
        await using var session = await fixture.NewSessionAsync();
        await session.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "設定", Exact = true }).ClickAsync();
        await session.Page.GetByText("個人設定", new() { Exact = true }).ClickAsync();
        await session.Page.WaitForURLAsync("**/settings/personal");
        await session.Page.GetByLabel("表示言語").SelectOptionAsync("en");
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "保存する" }).First.ClickAsync();

        await session.Page.WaitForURLAsync("**/settings/personal");
        // The English heading exists only on the reloaded page, so the live marker waited for next is that page's own.
        await Expect(session.Page.GetByRole(AriaRole.Heading, new() { Name = "Personal settings" })).ToBeVisibleAsync();
        await session.WaitLiveAsync();
        await Expect(session.Page.GetByRole(AriaRole.Button, new() { Name = "Settings", Exact = true })).ToBeVisibleAsync();

        // Sign out is a POST from the gear menu; the session cookie is gone afterwards.
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Settings", Exact = true }).ClickAsync();
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await session.Page.WaitForURLAsync("**/signin");
        await session.Page.GotoAsync("/settings/personal");
        await session.Page.WaitForURLAsync("**/signin?**");
    }
}
