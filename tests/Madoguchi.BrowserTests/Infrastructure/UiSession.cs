using Microsoft.Playwright;

namespace Madoguchi.BrowserTests.Infrastructure;

/// <summary>One person at one browser: intent-level steps (sign in, open the users page) over Playwright.</summary>
public sealed class UiSession(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IBrowserContext Context { get; } = context;
    public IPage Page { get; } = page;

    /// <summary>Fills the static sign-in form and submits it; the caller checks where it landed.</summary>
    public async Task SubmitSignInAsync(string email, string password)
    {
        if (!Page.Url.Contains("/signin", StringComparison.Ordinal))
            await Page.GotoAsync("/signin");
        await Page.GetByLabel("メールアドレス").FillAsync(email);
        await Page.GetByLabel("パスワード").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "ログイン", Exact = true }).ClickAsync();
        await Page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    public async Task SignInAsync(string email, string password)
    {
        await Page.GotoAsync("/signin");
        await SubmitSignInAsync(email, password);
        await WaitLiveAsync();
    }

    /// <summary>The operator console's two-step sign-in: password, then the code from the authenticator app (the test
    /// installation's operator is enrolled with a known secret), ending signed in on <c>/operator</c> with its circuit live.</summary>
    public async Task SignInOperatorAsync(Madoguchi.Testing.App.MadoguchiApp app)
    {
        await Page.GotoAsync("/operator/signin");
        await Page.GetByLabel("メールアドレス").FillAsync(Madoguchi.Testing.App.MadoguchiApp.OperatorEmail);
        await Page.GetByLabel("パスワード").FillAsync(Madoguchi.Testing.App.MadoguchiApp.OperatorPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "ログイン", Exact = true }).ClickAsync();
        await Page.WaitForURLAsync("**/operator/signin/code");
        await Page.GetByLabel("確認コード").FillAsync(await app.OperatorCodeAsync());
        await Page.GetByRole(AriaRole.Button, new() { Name = "確認", Exact = true }).ClickAsync();
        await Page.WaitForURLAsync("**/operator");
        await WaitLiveAsync();
    }

    /// <summary>Waits until the interactive circuit is connected; clicks before that are lost.</summary>
    public Task WaitLiveAsync() =>
        Page.Locator("#live-marker[data-interactive='true']").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    /// <summary>ギアアイコン → システム設定 → ユーザ, the way the seed describes it.</summary>
    public async Task OpenUsersThroughGearAsync()
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "設定", Exact = true }).ClickAsync();
        await Page.GetByRole(AriaRole.Menuitem, new() { Name = "システム設定" }).Or(Page.GetByText("システム設定", new() { Exact = true })).First.ClickAsync();
        await Page.WaitForURLAsync("**/settings/system");
        await Page.GetByRole(AriaRole.Link, new() { Name = "ユーザ", Exact = true }).ClickAsync();
        await Page.WaitForURLAsync("**/settings/users");
    }

    public ILocator UserRow(string email) => Page.Locator($"tr[data-testid='user-row'][data-user-email='{email}']");

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
