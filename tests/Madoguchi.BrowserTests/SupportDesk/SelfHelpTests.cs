using System.Net.Http.Json;
using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Status.SupportDesk;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests.SupportDesk;

/// <summary>Issue 10's self-help: the closure notice reaches a signed-in user, and each error links to its guide.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SelfHelpTests(BrowserFixture fixture)
{
    [Fact]
    public async Task ClosureNotice_SignedInUser_SeesBannerLinkingToTheHelpCentreAndCanCloseIt()
    {
        var account = await fixture.App.CreateAccountAsync();
        var op = await fixture.App.SignInOperatorAsync();
        // A long closure starting in three days (desk time): its notice is shown from seven days before, so already now.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo")));
        var closure = (await (await op.PostAsJsonAsync("/api/v1/operator/support-calendar/closures",
            new { kind = "holiday", label = "年末年始", firstDay = today.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), lastDay = today.AddDays(9).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<SupportClosureView>(MadoguchiJson.Options))!;
        var textJa = $"年末年始はサポート窓口を休業します（{Guid.NewGuid():N}）。";
        var notice = (await (await op.PostAsJsonAsync("/api/v1/operator/notices", new { textJa, textEn = "Support is closed over the new year.", closureId = closure.Id }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<SupportNoticeView>(MadoguchiJson.Options))!;
        try
        {
            await using var user = await fixture.NewSessionAsync();
            await user.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
            await user.WaitLiveAsync();

            var banner = user.Page.GetByRole(AriaRole.Region, new() { Name = "サポートからのお知らせ" }).Filter(new() { HasText = textJa });
            await Expect(banner).ToBeVisibleAsync();
            await user.Page.ScreenshotAsync(new() { Path = Screenshots.PathFor("support-notice-ja") });
            await banner.GetByRole(AriaRole.Link, new() { Name = "ヘルプセンター" }).ClickAsync();
            await user.Page.WaitForURLAsync("**/help");
            await Expect(user.Page.GetByRole(AriaRole.Heading, new() { Name = "ヘルプセンター", Level = 1 })).ToBeVisibleAsync();
            await Expect(user.Page.GetByTestId("help-guides").GetByRole(AriaRole.Link)).ToHaveCountAsync(6);

            // Closed by this user, it stays closed for them.
            await user.Page.GotoAsync("/inboxes");
            await user.WaitLiveAsync();
            await banner.GetByRole(AriaRole.Button, new() { Name = "このお知らせを閉じる" }).ClickAsync();
            await Expect(banner).ToHaveCountAsync(0);
            await user.Page.ReloadAsync();
            await user.WaitLiveAsync();
            await Expect(user.Page.GetByTestId("me-name")).ToBeVisibleAsync();
            await Expect(banner).ToHaveCountAsync(0);
        }
        finally
        {
            // The browser suite shares one app: leave no banner for the other tests.
            await op.DeleteAsync($"/api/v1/operator/notices/{notice.Id}");
            await op.DeleteAsync($"/api/v1/operator/support-calendar/closures/{closure.Id}");
        }
    }

    [Fact]
    public async Task LockedSignIn_HelpLink_LandsOnTheAccountLockedGuideNamingNoOne()
    {
        var account = await fixture.App.CreateAccountAsync();
        var user = await account.AddActiveUserAsync("鈴木", "次郎");
        await fixture.App.LockAsync(user.Id);
        await using var person = await fixture.NewSessionAsync();

        await person.Page.GotoAsync("/signin");
        await person.SubmitSignInAsync(user.Email, MadoguchiApp.DefaultPassword);
        await Expect(person.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("アカウントオーナーにロックの解除");
        await person.Page.GetByRole(AriaRole.Link, new() { Name = "ロックされたときの対処方法" }).ClickAsync();

        await person.Page.WaitForURLAsync("**/help/account-locked");
        await Expect(person.Page.GetByRole(AriaRole.Heading, new() { Name = "アカウントがロックされた", Level = 1 })).ToBeVisibleAsync();
        await Expect(person.Page.GetByRole(AriaRole.Heading, new() { Name = "解決方法：アカウントオーナーに依頼する" })).ToBeVisibleAsync();
        // A signed-out visitor reads the guide, and neither page names the account's owner.
        var page = await person.Page.ContentAsync();
        Assert.DoesNotContain(account.Owner.Email, page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(account.Owner.DisplayName, page, StringComparison.Ordinal);
        await Expect(person.Page.GetByRole(AriaRole.Link, new() { Name = "ログイン" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task ReceiveError_HelpLink_LandsOnTheMailNotArrivingGuide()
    {
        var account = await fixture.App.CreateAccountAsync();
        var api = await account.SignInOwnerAsync();
        var inbox = (await (await api.PostAsJsonAsync("/api/v1/inboxes", new { name = "サポート", colour = "#43a047" }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<InboxView>(MadoguchiJson.Options))!;
        // A POP3 server on a port where nothing listens: the pass fails with connection_refused.
        (await api.PostAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/receive-servers", new
        {
            protocol = "pop3", host = "127.0.0.1", port = FreePort.Get(), security = "none", validateCertificate = true,
            username = "nobody", password = "secret", leaveOnServer = true, deleteAfterDays = 14, pollSeconds = 3600,
        })).EnsureSuccessStatusCode();
        await api.PostAsync($"/api/v1/inboxes/{inbox.Id}/fetch", null);
        await using var owner = await fixture.NewSessionAsync();
        await owner.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);

        await owner.Page.GotoAsync($"/inboxes/{inbox.Id}/settings/receive");
        await owner.WaitLiveAsync();
        var error = owner.Page.GetByTestId("last-error");
        await Expect(error).ToBeVisibleAsync();
        await error.GetByRole(AriaRole.Link, new() { Name = "メールが届かないときに確認すること" }).ClickAsync();

        await owner.Page.WaitForURLAsync("**/help/mail-not-arriving");
        await Expect(owner.Page.GetByRole(AriaRole.Heading, new() { Name = "メールが届かない", Level = 1 })).ToBeVisibleAsync();
        await Expect(owner.Page.GetByRole(AriaRole.Heading, new() { Name = "4. 受信設定を確認する" })).ToBeVisibleAsync();
    }
}
