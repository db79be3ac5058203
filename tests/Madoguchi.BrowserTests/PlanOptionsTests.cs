using Madoguchi.BrowserTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests;

/// <summary>オプション追加申込み end to end: the owner reads the cost before confirming, the operator approves with a note,
/// the owner sees the answer and the new limit. Japanese, then an English owner reading the same statement.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PlanOptionsTests(BrowserFixture fixture)
{
    [Fact]
    public async Task OptionRequest_OwnerConfirmsTheCost_OperatorApproves_OwnerSeesTheAnswerAndTheNewLimit_InJapaneseAndEnglish()
    {
        var name = $"株式会社オプション {Guid.NewGuid():N}"[..20];
        var account = await fixture.App.CreateAccountAsync(name);
        await using var owner = await fixture.NewSessionAsync();
        await owner.SignInAsync(account.Owner.Email, Madoguchi.Testing.App.MadoguchiApp.DefaultPassword);
        await owner.Page.GotoAsync("/settings/plan");
        await owner.WaitLiveAsync();
        await Expect(owner.Page.GetByRole(AriaRole.Heading, new() { Name = "ご契約中のプラン内容" })).ToBeVisibleAsync();
        var limitBefore = int.Parse(await owner.Page.GetByTestId("users-limit").TextContentAsync() ?? "", System.Globalization.CultureInfo.InvariantCulture);

        // Quantities, then the plain statement of the charge before anything is requested.
        await owner.Page.GetByLabel("追加ユーザ数").FillAsync("5");
        await owner.Page.GetByRole(AriaRole.Button, new() { Name = "料金を確認" }).ClickAsync();
        var statement = owner.Page.GetByTestId("cost-statement");
        await Expect(statement).ToContainTextAsync("月額 2,500円");
        await Expect(statement).ToContainTextAsync("運営者が承認した日から");
        await Expect(statement).ToContainTextAsync("30日を1か月として日割り");
        await owner.Page.GetByRole(AriaRole.Button, new() { Name = "申し込む" }).ClickAsync();
        await Expect(owner.Page.Locator("[data-testid='my-option-request'][data-state='Pending']")).ToContainTextAsync("審査中");

        // The operator approves it from the queue with a note.
        await using var op = await fixture.NewSessionAsync();
        await op.SignInOperatorAsync(fixture.App);
        await op.Page.GotoAsync("/operator/plans");
        await op.WaitLiveAsync();
        var row = op.Page.Locator($"[data-testid='operator-option-request'][data-account-name='{name}'][data-state='Pending']");
        await row.GetByLabel($"{name} へのメモ").FillAsync("本日より追加しました。");
        await row.GetByRole(AriaRole.Button, new() { Name = $"{name} の申込みを承認" }).ClickAsync();
        await Expect(op.Page.Locator($"[data-testid='operator-option-request'][data-account-name='{name}'][data-state='Approved']")).ToContainTextAsync("本日より追加しました。");

        // The owner reads the answer and the limit rose by five.
        await owner.Page.ReloadAsync();
        await owner.WaitLiveAsync();
        await Expect(owner.Page.Locator("[data-testid='my-option-request'][data-state='Approved']")).ToContainTextAsync("本日より追加しました。");
        await Expect(owner.Page.GetByTestId("users-limit")).ToHaveTextAsync((limitBefore + 5).ToString(System.Globalization.CultureInfo.InvariantCulture));

        // The same statement in English.
        await using var english = await fixture.NewSessionAsync();
        await english.SignInAsync(account.Owner.Email, Madoguchi.Testing.App.MadoguchiApp.DefaultPassword);
        await english.Context.AddCookiesAsync([new Cookie { Name = ".AspNetCore.Culture", Value = "c=en|uic=en", Url = fixture.App.BaseAddress.ToString() }]);
        await english.Page.GotoAsync("/settings/plan");
        await english.WaitLiveAsync();
        await Expect(english.Page.GetByRole(AriaRole.Heading, new() { Name = "Your plan" })).ToBeVisibleAsync();
        await english.Page.GetByLabel("Extra users").FillAsync("2");
        await english.Page.GetByRole(AriaRole.Button, new() { Name = "Review the cost" }).ClickAsync();
        await Expect(english.Page.GetByTestId("cost-statement")).ToContainTextAsync("¥1,000 per month, from the day the operator approves it");
        await english.Page.GetByRole(AriaRole.Button, new() { Name = "Confirm the request" }).ClickAsync();
        await Expect(english.Page.Locator("[data-testid='my-option-request'][data-state='Pending']")).ToContainTextAsync("Pending");
    }
}
