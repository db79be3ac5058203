using System.Text;
using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Testing.App;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests;

/// <summary>The Content-Security-Policy sent with every page must not break the UI: the main pages load, go live
/// (Blazor's circuit over its WebSocket) and the browser reports no violation on the way.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyTests(BrowserFixture fixture)
{
    [Fact]
    public async Task MainPages_LoadWithoutCspViolations()
    {
        var account = await fixture.App.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync("サポート");
        var ticket = await fixture.App.ReceiveAsync(inbox.Id, HtmlMail());
        await using var session = await fixture.NewSessionAsync();
        var violations = new List<string>();
        // Every frame reports its violations to the console, which is watched too.
        await session.Context.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e =>
                console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI));
            """);
        session.Page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("CSP violation", StringComparison.Ordinal))
                violations.Add($"{session.Page.Url}: {message.Text}");
        };

        await session.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
        foreach (var path in new[] { "/", $"/inboxes/{inbox.Id}", $"/tickets/{ticket.TicketId}", "/settings/users", "/settings/personal", "/settings/audit", "/settings/plan", $"/inboxes/{inbox.Id}/settings/receive" })
        {
            await session.Page.GotoAsync(path);
            await session.WaitLiveAsync();
            await session.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }
        await Expect(session.Page.GetByRole(AriaRole.Heading).First).ToBeVisibleAsync();

        Assert.Empty(violations);

        // The watch itself works: a fetch to another origin breaks connect-src and is reported.
        await session.Page.EvaluateAsync("() => fetch('http://127.0.0.1:9/csp-probe').catch(() => null)");
        await Expect(session.Page.Locator("body")).ToBeVisibleAsync();
        for (var i = 0; i < 100 && violations.Count == 0; i++)
            await Task.Delay(50);
        Assert.Contains(violations, v => v.Contains("connect-src", StringComparison.Ordinal) || v.Contains("Content Security Policy", StringComparison.Ordinal));
    }

    private static string HtmlMail()
    {
        const string html = "<p style=\"color:#333\">お問い合わせです。</p><img src=\"https://tracker.example/p.gif\"><a href=\"https://example.jp/\">リンク</a>";
        return $"From: customer@example.com\r\nTo: support@example.jp\r\nSubject: HTML\r\nDate: Tue, 01 Apr 2025 10:00:00 +0900\r\n"
            + $"Message-ID: <csp-{Guid.NewGuid():N}@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=UTF-8\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + Convert.ToBase64String(Encoding.UTF8.GetBytes(html)) + "\r\n";
    }
}
