using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Core.Status;
using Madoguchi.Testing.App;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests;

[Collection(BrowserCollection.Name)]
public sealed class StatusPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task StatusPage_InJapanese_ShowsComponentsAnIncidentFromTheConsoleAndFocusableUptimeBars()
    {
        await fixture.App.WithDbAsync(async db =>
        {
            db.ProbeResults.Add(new ProbeResult { Component = StatusComponent.Receiving, State = ComponentState.Operational, CheckedAt = DateTime.UtcNow.AddMinutes(-2) });
            return await db.SaveChangesAsync();
        });
        var title = $"メール受信の遅延 {Guid.NewGuid().ToString("N")[..6]}";

        // An operator declares the incident in the console.
        await using var operatorSession = await fixture.NewSessionAsync();
        await operatorSession.SignInOperatorAsync(fixture.App);
        await operatorSession.Page.GotoAsync("/operator/status");
        await operatorSession.WaitLiveAsync();
        await operatorSession.Page.GetByLabel("タイトル").First.FillAsync(title);
        await operatorSession.Page.GetByLabel("お客様向けのメッセージ").First.FillAsync("一部の受信箱でメールの取り込みが遅れています。");
        await operatorSession.Page.GetByTestId("incident-create").ClickAsync();
        await Expect(operatorSession.Page.GetByTestId("console-incident").Filter(new() { HasText = title })).ToBeVisibleAsync();

        // A visitor, not signed in, in Japanese.
        await using var visitor = await fixture.NewSessionAsync();
        await visitor.Page.GotoAsync("/status");
        var page = visitor.Page;
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ja");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "稼働状況", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("status-component")).ToHaveCountAsync(Enum.GetValues<StatusComponent>().Length);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "メール受信", Exact = true })).ToBeVisibleAsync();
        var incident = page.GetByTestId("status-incident").Filter(new() { HasText = title });
        await Expect(incident).ToBeVisibleAsync();
        await Expect(incident).ToContainTextAsync("調査中");
        await Expect(incident).ToContainTextAsync("一部の受信箱でメールの取り込みが遅れています。");

        var receiving = page.Locator("[data-testid='status-component'][data-component='Receiving']");
        var bars = receiving.GetByTestId("uptime-bar");
        await Expect(bars).ToHaveCountAsync(90);
        var today = bars.Last;
        await today.FocusAsync();
        await Expect(today).ToBeFocusedAsync();
        await Expect(today).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("稼働率 100%"));
        // The label is what hover and focus show: the tooltip is drawn from it.
        var tooltip = await today.EvaluateAsync<string>("e => getComputedStyle(e, '::after').content");
        Assert.Contains("稼働率", tooltip, StringComparison.Ordinal);
        await Expect(bars.First).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("データなし"));
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("status-page-ja"), FullPage = true });
        await today.HoverAsync();
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("status-page-bar-hover-ja") });
    }
}
