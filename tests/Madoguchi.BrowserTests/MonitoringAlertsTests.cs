using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Core.Status;
using Madoguchi.Core.Status.Monitoring;
using Madoguchi.Testing.App;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests;

/// <summary>The operator console shows a monitoring alert in Japanese and marks it read.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MonitoringAlertsTests(BrowserFixture fixture)
{
    [Fact]
    public async Task OperatorConsole_ShowsStorageAlert_MarksItRead()
    {
        var now = DateTime.UtcNow;
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var readings = new Dictionary<StatusComponent, ProbeReading>
            {
                [StatusComponent.Storage] = new(ComponentState.MajorOutage, "The blob store cannot write: the file system is read-only (EROFS)."),
            };
            await scope.ServiceProvider.GetRequiredService<AnnounceStateChangesCommand>().HandleAsync(readings, now, CancellationToken.None);
        }
        await using var session = await fixture.NewSessionAsync();
        await session.SignInOperatorAsync(fixture.App);

        var row = session.Page.Locator("tr[data-testid='monitoring-alert']").Filter(new() { HasText = "ストレージは現在「全面停止」です（以前は「正常稼働」）。" });
        await Expect(row).ToHaveAttributeAsync("data-read", "false");
        await Expect(row).ToContainTextAsync("read-only (EROFS)");
        await session.Page.ScreenshotAsync(new() { Path = Screenshots.PathFor("operator-monitoring-alert-ja"), FullPage = true });
        await row.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("ストレージのアラートを既読にする$") }).ClickAsync();

        await Expect(row).ToHaveAttributeAsync("data-read", "true");
        await Expect(row.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
    }
}
