using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Accounts;

/// <summary>Cookie sessions from outside: another site cannot make a signed-in browser change data, sign-out needs its
/// antiforgery token, and signing out ends the session on the server.</summary>
public sealed partial class SessionSecurityTests(AppFixture apps) : IClassFixture<AppFixture>
{
    private static object NewInbox() => new { name = $"窓口 {Guid.NewGuid():N}"[..12], colour = "#1e88e5" };

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CookiePost_WithoutSameOriginProof_IsRefused(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var browser = app.NewCrossSiteClient();
        (await browser.PostAsJsonAsync("/api/v1/session", new { email = account.Owner.Email, password = MadoguchiApp.DefaultPassword })).EnsureSuccessStatusCode();

        // Another site's form or script: no proof, a foreign Origin, or the browser saying cross-site.
        await (await browser.PostAsJsonAsync("/api/v1/inboxes", NewInbox())).AssertProblemAsync(HttpStatusCode.Forbidden, "cross_origin_refused");
        await (await SendAsync(browser, HttpMethod.Post, "/api/v1/inboxes", ("Origin", "https://attacker.example"))).AssertProblemAsync(HttpStatusCode.Forbidden, "cross_origin_refused");
        await (await SendAsync(browser, HttpMethod.Post, "/api/v1/inboxes", ("Sec-Fetch-Site", "cross-site"))).AssertProblemAsync(HttpStatusCode.Forbidden, "cross_origin_refused");
        await (await SendAsync(browser, HttpMethod.Post, "/api/v1/inboxes", ("Sec-Fetch-Site", "same-site"), ("Origin", "http://mail.localhost"))).AssertProblemAsync(HttpStatusCode.Forbidden, "cross_origin_refused");
        await (await SendAsync(browser, HttpMethod.Delete, "/api/v1/session")).AssertProblemAsync(HttpStatusCode.Forbidden, "cross_origin_refused");
        Assert.Equal(0, await app.WithDbAsync(db => db.Inboxes.CountAsync(i => i.AccountId == account.Id)));

        // Reading needs no proof; Madoguchi's own pages (same origin), its Origin, or the custom header are accepted.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(browser, HttpMethod.Post, "/api/v1/inboxes", ("Sec-Fetch-Site", "same-origin"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(browser, HttpMethod.Post, "/api/v1/inboxes", ("Origin", app.BaseAddress.GetLeftPart(UriPartial.Authority)))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(browser, HttpMethod.Post, "/api/v1/inboxes", ("X-Requested-With", "XMLHttpRequest"))).StatusCode);
        Assert.Equal(3, await app.WithDbAsync(db => db.Inboxes.CountAsync(i => i.AccountId == account.Id)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task BearerTokenCalls_NeedNoSameOriginProof(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var script = await app.TokenClientAsync(account.Owner);
        script.DefaultRequestHeaders.Remove("Sec-Fetch-Site");

        Assert.Equal(HttpStatusCode.Created, (await script.PostAsJsonAsync("/api/v1/inboxes", NewInbox())).StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ApiSignOut_EndsTheSessionOnTheServer_CopiedCookieStopsWorking(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var cookie = await SessionCookieAsync(app, account.Owner.Email);
        using var copy = CookieClient(app, cookie);
        using var holder = CookieClient(app, cookie);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/api/v1/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(holder, HttpMethod.Delete, "/api/v1/session", ("Sec-Fetch-Site", "same-origin"))).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync("/api/v1/me")).StatusCode);
        // Signing in again works as before.
        using var again = CookieClient(app, await SessionCookieAsync(app, account.Owner.Email));
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/v1/me")).StatusCode);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignOutForm_RequiresAntiforgeryToken_AndEndsTheSession(DatabaseProvider provider)
    {
        // The operator console shows the sign-out form on the page itself (users have it inside the gear menu's popover).
        var app = await apps.GetAsync(provider);
        var session = await SessionCookieAsync(app, "/api/v1/operator/session", MadoguchiApp.OperatorEmail, MadoguchiApp.OperatorPassword, await app.OperatorCodeAsync());
        using var copy = CookieClient(app, session);
        var page = await copy.GetAsync("/operator");
        var token = AntiforgeryField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), "the operator page has no sign-out form token");
        var antiforgery = page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        using var console = CookieClient(app, $"{session}; {antiforgery}");

        // A page elsewhere posting the form without the token signs nobody out.
        var forged = await console.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/api/v1/operator/accounts")).StatusCode);

        var signedOut = await console.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal("/operator/signin", signedOut.Headers.Location?.OriginalString);
        // The copy of the cookie, which the browser did not delete, no longer works either.
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync("/api/v1/operator/accounts")).StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post)
            request.Content = JsonContent.Create(NewInbox());
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        return await client.SendAsync(request);
    }

    /// <summary>Signs in and returns the session cookie as a browser would keep it ("name=value").</summary>
    private static Task<string> SessionCookieAsync(MadoguchiApp app, string email) => SessionCookieAsync(app, "/api/v1/session", email, MadoguchiApp.DefaultPassword);

    private static async Task<string> SessionCookieAsync(MadoguchiApp app, string path, string email, string password, string? code = null)
    {
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = app.BaseAddress, HandleCookies = false, AllowAutoRedirect = false });
        var response = await client.PostAsJsonAsync(path, new { email, password, code });
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("madoguchi_session=", StringComparison.Ordinal));
    }

    /// <summary>A client that sends exactly this cookie, as someone holding a copy of it would.</summary>
    private static HttpClient CookieClient(MadoguchiApp app, string cookie)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = app.BaseAddress, HandleCookies = false, AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
