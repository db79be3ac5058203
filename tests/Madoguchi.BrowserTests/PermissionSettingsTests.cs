using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Core.Inboxes;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed partial class PermissionSettingsTests(BrowserFixture fixture)
{
    [Fact]
    public async Task PermissionSettings_Owners_CarryGreenShield()
    {
        var account = await fixture.App.CreateAccountAsync();
        var member = await account.AddActiveUserAsync("鈴木", "次郎");
        var api = await account.SignInOwnerAsync();
        var inbox = await (await api.PostAsJsonAsync("/api/v1/inboxes", new { name = "サポート", colour = "#e53935" }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<InboxView>(MadoguchiJson.Options);

        await using var session = await fixture.NewSessionAsync();
        await session.SignInAsync(member.Email, MadoguchiApp.DefaultPassword);
        await session.Page.GetByRole(AriaRole.Button, new() { Name = "設定", Exact = true }).ClickAsync();
        await session.Page.GetByText("権限設定", new() { Exact = true }).ClickAsync();
        await session.Page.WaitForURLAsync("**/settings/permissions");

        var ownerRow = session.Page.Locator($"tr[data-testid='permission-row'][data-user-email='{account.Owner.Email}']");
        var memberRow = session.Page.Locator($"tr[data-testid='permission-row'][data-user-email='{member.Email}']");
        var shield = ownerRow.GetByRole(AriaRole.Img, new() { Name = "アカウントオーナー" });
        await Expect(shield).ToBeVisibleAsync();
        await Expect(memberRow.GetByRole(AriaRole.Img, new() { Name = "アカウントオーナー" })).ToHaveCountAsync(0);

        // Green: the icon is drawn in the theme's success colour.
        var colour = await shield.EvaluateAsync<string>("e => getComputedStyle(e).color");
        var rgb = RgbPattern().Match(colour);
        Assert.True(rgb.Success, colour);
        var (r, g, b) = (Channel(rgb, 1), Channel(rgb, 2), Channel(rgb, 3));
        Assert.True(g > r + 80 && g > b + 40, $"The owner shield should be green, is {colour}.");

        // Owners change roles in the same table.
        await using var ownerSession = await fixture.NewSessionAsync();
        await ownerSession.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
        await ownerSession.Page.GotoAsync("/settings/permissions");
        await ownerSession.WaitLiveAsync();
        var ownersView = ownerSession.Page.Locator("[data-testid='permission-matrix']");
        await Expect(ownersView.GetByRole(AriaRole.Columnheader, new() { Name = "サポート" })).ToBeVisibleAsync();
        await Expect(ownersView.Locator($"tr[data-user-email='{account.Owner.Email}']")).ToContainTextAsync("管理者");
        var select = ownerSession.Page.GetByLabel("サポート における 鈴木 次郎 の権限");
        await select.SelectOptionAsync("Operator");
        await Expect(ownerSession.Page.GetByText("保存しました。")).ToBeVisibleAsync();
        var role = await fixture.App.WithDbAsync(db => db.InboxRoles.Where(x => x.InboxId == inbox!.Id && x.UserId == member.Id).Select(x => x.Role).SingleAsync());
        Assert.Equal(InboxRole.Operator, role);
    }

    private static int Channel(Match match, int group) => int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"rgba?\((\d+),\s*(\d+),\s*(\d+)")]
    private static partial Regex RgbPattern();
}
