using System.Text.Json;
using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Testing.App;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests;

/// <summary>The seed's "my account got locked" page, walked through in the browser.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LockoutTests(BrowserFixture fixture)
{
    private const string WrongPassword = "not-the-password";
    private const string LockedMessage =
        "このユーザはロックされています。パスワードを5回間違えたため、ロックされました。アカウントオーナーにロックの解除（システム設定 → ユーザ → ロック中 → 元に戻す）を依頼してください。";
    private const string InvalidMessage = "メールアドレスまたはパスワードが正しくありません。";

    [Fact]
    public async Task Lockout_FiveWrongPasswords_OwnerRestoresAndUserSignsIn()
    {
        var account = await fixture.App.CreateAccountAsync();
        var user = await account.AddActiveUserAsync("山田", "花子");
        await using var person = await fixture.NewSessionAsync();

        await TypeWrongPasswordFiveTimesAsync(person, user.Email);
        await person.SubmitSignInAsync(user.Email, MadoguchiApp.DefaultPassword);
        await Expect(person.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(LockedMessage);
        Assert.Contains("/signin", person.Page.Url, StringComparison.Ordinal);

        await using var owner = await fixture.NewSessionAsync();
        await owner.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
        await owner.OpenUsersThroughGearAsync();
        await owner.Page.GetByRole(AriaRole.Tab, new() { Name = "ロック中" }).ClickAsync();
        var row = owner.UserRow(user.Email);
        await Expect(row).ToBeVisibleAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "元に戻す" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);

        await person.SubmitSignInAsync(user.Email, MadoguchiApp.DefaultPassword);
        await person.Page.WaitForURLAsync("**/inboxes");
        await person.WaitLiveAsync();
        await Expect(person.Page.GetByTestId("me-name")).ToContainTextAsync("山田 花子");
    }

    [Fact]
    public async Task Lockout_LoneOwnerLocked_CannotUnlockThemself()
    {
        var account = await fixture.App.CreateAccountAsync();
        var lone = account.Owner;
        var member = await account.AddActiveUserAsync("佐藤", "一郎");

        // While still active, the owner already has no way to restore themself: no button on their own row, 403 from the API.
        await using var owner = await fixture.NewSessionAsync();
        await owner.SignInAsync(lone.Email, MadoguchiApp.DefaultPassword);
        await owner.OpenUsersThroughGearAsync();
        await Expect(owner.UserRow(lone.Email)).ToBeVisibleAsync();
        await Expect(owner.UserRow(lone.Email).GetByRole(AriaRole.Button, new() { Name = "元に戻す" })).ToHaveCountAsync(0);
        var selfUnlock = await owner.Page.APIRequest.PostAsync($"/api/v1/users/{lone.Id}/unlock");
        Assert.Equal(403, selfUnlock.Status);
        Assert.Equal("cannot_unlock_self", await ErrorCodeAsync(selfUnlock));

        // Someone types the owner's password wrong five times: the owner is locked, even the right password is refused.
        await using var stranger = await fixture.NewSessionAsync();
        await TypeWrongPasswordFiveTimesAsync(stranger, lone.Email);
        await stranger.SubmitSignInAsync(lone.Email, MadoguchiApp.DefaultPassword);
        await Expect(stranger.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(LockedMessage);

        // The lock ends the owner's own session too: reloading the users page lands on sign-in.
        await owner.Page.ReloadAsync();
        await owner.Page.WaitForURLAsync("**/signin**");
        var afterLock = await owner.Page.APIRequest.PostAsync($"/api/v1/users/{lone.Id}/unlock");
        Assert.Equal(401, afterLock.Status);

        // A user who is not an owner cannot help: no システム設定 in the gear menu, the page refuses, the API says 403.
        await using var colleague = await fixture.NewSessionAsync();
        await colleague.SignInAsync(member.Email, MadoguchiApp.DefaultPassword);
        await colleague.Page.GetByRole(AriaRole.Button, new() { Name = "設定", Exact = true }).ClickAsync();
        await Expect(colleague.Page.GetByText("権限設定", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(colleague.Page.GetByText("システム設定", new() { Exact = true })).ToHaveCountAsync(0);
        await colleague.Page.GotoAsync("/settings/users");
        await Expect(colleague.Page.GetByTestId("owners-only")).ToBeVisibleAsync();
        await Expect(colleague.Page.GetByRole(AriaRole.Button, new() { Name = "元に戻す" })).ToHaveCountAsync(0);
        var memberUnlock = await colleague.Page.APIRequest.PostAsync($"/api/v1/users/{lone.Id}/unlock");
        Assert.Equal(403, memberUnlock.Status);
        Assert.Equal("owners_only", await ErrorCodeAsync(memberUnlock));

        // The way out: the people running the installation restore the owner from the operator console.
        await using var operatorSession = await fixture.NewSessionAsync();
        await operatorSession.SignInOperatorAsync(fixture.App);
        var lockedRow = operatorSession.Page.Locator($"tr[data-testid='locked-user'][data-user-email='{lone.Email}']");
        await lockedRow.GetByRole(AriaRole.Button, new() { Name = "元に戻す" }).ClickAsync();
        await Expect(lockedRow).ToHaveCountAsync(0);

        // Signing in from where the session ended leads back to the users page.
        await owner.SubmitSignInAsync(lone.Email, MadoguchiApp.DefaultPassword);
        await owner.Page.WaitForURLAsync("**/settings/users");
        await owner.WaitLiveAsync();
    }

    private static async Task TypeWrongPasswordFiveTimesAsync(UiSession session, string email)
    {
        await session.Page.GotoAsync("/signin");
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await session.SubmitSignInAsync(email, WrongPassword);
            await Expect(session.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(InvalidMessage);
        }
        await session.SubmitSignInAsync(email, WrongPassword);
        await Expect(session.Page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(LockedMessage);
    }

    private static async Task<string?> ErrorCodeAsync(IAPIResponse response)
    {
        using var body = JsonDocument.Parse(await response.TextAsync());
        return body.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }
}
