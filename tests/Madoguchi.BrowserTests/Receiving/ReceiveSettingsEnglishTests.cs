using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Testing.App;
using Microsoft.Playwright;
using System.Net.Http.Json;
using Madoguchi.Core.Inboxes;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests.Receiving;

/// <summary>受信設定 in English for a browser that asks for English: labels, validation and the refusal for non-admins.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReceiveSettingsEnglishTests(BrowserFixture fixture)
{
    [Fact]
    public async Task ReceiveSettings_EnglishBrowser_ValidationAndRefusalInEnglish()
    {
        var account = await fixture.App.CreateAccountAsync();
        var api = await account.SignInOwnerAsync();
        var inbox = (await (await api.PostAsJsonAsync("/api/v1/inboxes", new { name = "Support", colour = "#43a047" }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<InboxView>(MadoguchiJson.Options))!;
        var manager = await account.AddActiveUserAsync(api, "Smith", "Jane");
        await fixture.App.WithDbAsync(db =>
        {
            db.InboxRoles.Add(new InboxRoleAssignment { InboxId = inbox.Id, UserId = manager.Id, Role = InboxRole.Manager });
            return db.SaveChangesAsync();
        });

        await using var owner = await EnglishSessionAsync();
        await SignInAsync(owner, account.Owner.Email);
        await owner.Page.GotoAsync($"/settings/inboxes");
        await owner.WaitLiveAsync();
        await owner.Page.GetByRole(AriaRole.Link, new() { Name = "Receive settings of Support" }).ClickAsync();
        await owner.Page.WaitForURLAsync($"**/inboxes/{inbox.Id}/settings/receive");
        await Expect(owner.Page.GetByRole(AriaRole.Heading, new() { Name = "Receive settings — Support" })).ToBeVisibleAsync();
        await owner.Page.GetByRole(AriaRole.Button, new() { Name = "Add a receive server" }).ClickAsync();
        var form = owner.Page.GetByTestId("receive-server-form");
        await form.GetByLabel("Protocol").SelectOptionAsync("pop3");
        await Expect(form.GetByLabel("Port", new() { Exact = true })).ToHaveValueAsync("995");
        await Expect(form.GetByLabel("Days until deletion")).ToHaveValueAsync("14");
        await form.GetByLabel("Server name (host)").FillAsync("pop.example.com");
        await form.GetByLabel("Password", new() { Exact = true }).FillAsync("secret");
        await form.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(form.GetByTestId("receive-form-error")).ToHaveTextAsync("Enter the user name (at most 320 characters).");

        // A マネージャー is below 管理者: a clear refusal, no settings link on the inbox page.
        await using var other = await EnglishSessionAsync();
        await SignInAsync(other, manager.Email);
        await other.Page.GotoAsync($"/inboxes/{inbox.Id}");
        await other.WaitLiveAsync();
        await Expect(other.Page.GetByTestId("receive-settings-link")).ToHaveCountAsync(0);
        await other.Page.GotoAsync($"/inboxes/{inbox.Id}/missing-mail");
        await Expect(other.Page.GetByTestId("missing-refused")).ToHaveTextAsync(
            "Only this inbox's administrators (管理者) and account owners can see and change its receive settings.");
    }

    private static async Task SignInAsync(UiSession session, string email)
    {
        await session.Page.GotoAsync("/signin");
        await session.Page.GetByLabel("Email address").FillAsync(email);
        await session.Page.GetByLabel("Password").FillAsync(MadoguchiApp.DefaultPassword);
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await session.WaitLiveAsync();
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
}
