using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.Playwright;

namespace Madoguchi.BrowserTests.Infrastructure;

/// <summary>One Chromium (Debian's, never downloaded) and one app on a real Kestrel port for the whole browser suite.
/// Every test works in an account of its own, so sharing the app keeps tests apart and the suite fast.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;
    public MadoguchiApp App { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        // Expectations wait as long as actions do: on a loaded 2-core machine a reload can take longer than Playwright's 5 s.
        Assertions.SetDefaultExpectTimeout(15_000);
        var appStarting = MadoguchiApp.StartAsync(DatabaseProvider.Sqlite, kestrel: true);
        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchAsync(_playwright);
        App = await appStarting;
    }

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });

    /// <summary>A fresh browser profile (own cookies) speaking Japanese, on the given app.</summary>
    public async Task<UiSession> NewSessionAsync(MadoguchiApp? app = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = (app ?? App).BaseAddress.ToString(),
            Locale = "ja-JP",
            ViewportSize = new ViewportSize { Width = 1280, Height = 860 },
            // Tests also call the API through the page's request context (page.APIRequest), which sends no Origin or
            // Sec-Fetch-Site; cookie API calls that change data need a same-origin proof (issue 6).
            ExtraHTTPHeaders = new Dictionary<string, string> { ["X-Requested-With"] = "madoguchi-browser-tests" },
        });
        context.SetDefaultTimeout(15_000);
        return new UiSession(context, await context.NewPageAsync());
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright?.Dispose();
        await App.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
