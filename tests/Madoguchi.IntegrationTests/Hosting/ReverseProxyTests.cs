using System.Net;
using System.Net.Http.Json;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Hosting;

/// <summary>Served by Kestrel, so requests come from 127.0.0.1 like a reverse proxy on the same host. X-Forwarded-*
/// headers count only when that address is listed in Madoguchi:Network:KnownProxies.</summary>
public sealed class ReverseProxyTests
{
    private const string ClientA = "203.0.113.10";
    private const string ClientB = "203.0.113.20";

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task FromAConfiguredProxy_ClientAddressAndSchemeAreTheForwardedOnes_AndEachClientHasItsOwnSignInBudget(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider, knownProxies: "192.0.2.1, 127.0.0.0/8");
        var account = await app.CreateAccountAsync();

        var a = Behind(app, ClientA);
        await (await SignInAsync(a, account.Owner.Email, "wrong-password")).AssertStatusAsync(HttpStatusCode.Unauthorized);
        await (await SignInAsync(a, account.Owner.Email, "wrong-password")).AssertStatusAsync(HttpStatusCode.Unauthorized);
        var signedIn = await SignInAsync(a, account.Owner.Email, MadoguchiApp.DefaultPassword);
        var fourth = await SignInAsync(a, account.Owner.Email, "wrong-password");
        var b = await SignInAsync(Behind(app, ClientB), account.Owner.Email, "wrong-password");

        await signedIn.AssertStatusAsync(HttpStatusCode.OK);
        // X-Forwarded-Proto: https made the request https, so the session cookie is Secure.
        Assert.Contains(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("madoguchi_session=", StringComparison.Ordinal) && c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        await fourth.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_attempts");
        // Client A used up its budget; client B behind the same proxy still has its own.
        await b.AssertStatusAsync(HttpStatusCode.Unauthorized);
        Assert.Equal([ClientA, ClientA, ClientB], await FailureIpsAsync(app, account.Owner.Id));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task FromAnUnlistedProxy_ForwardedHeadersAreIgnored_ForAuditIpCookieAndRateLimit(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider, knownProxies: "192.0.2.1");
        var account = await app.CreateAccountAsync();

        var a = Behind(app, ClientA);
        await (await SignInAsync(a, account.Owner.Email, "wrong-password")).AssertStatusAsync(HttpStatusCode.Unauthorized);
        await (await SignInAsync(a, account.Owner.Email, "wrong-password")).AssertStatusAsync(HttpStatusCode.Unauthorized);
        var signedIn = await SignInAsync(a, account.Owner.Email, MadoguchiApp.DefaultPassword);
        var b = await SignInAsync(Behind(app, ClientB), account.Owner.Email, "wrong-password");

        await signedIn.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Contains(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("madoguchi_session=", StringComparison.Ordinal) && !c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        // The claimed addresses were not believed: both "clients" are 127.0.0.1 and share one budget.
        await b.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.Equal(["127.0.0.1", "127.0.0.1"], await FailureIpsAsync(app, account.Owner.Id));
    }

    private static Task<MadoguchiApp> StartAsync(DatabaseProvider provider, string knownProxies) =>
        MadoguchiApp.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Madoguchi:Network:KnownProxies:0"] = knownProxies,
            ["Madoguchi:Accounts:SignInRateLimit:PermitsPerMinute"] = "3",
        }, kestrel: true);

    /// <summary>A client as a reverse proxy forwards it: its address in X-Forwarded-For, https in X-Forwarded-Proto.</summary>
    private static HttpClient Behind(MadoguchiApp app, string clientIp)
    {
        var client = app.NewClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", clientIp);
        client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        client.DefaultRequestHeaders.Add("X-Forwarded-Host", "support.example.com");
        return client;
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/api/v1/session", new { email, password });

    private static Task<List<string?>> FailureIpsAsync(MadoguchiApp app, Guid userId) =>
        app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.TargetUserId == userId && e.Action == AuditAction.SignInFailed)
            .OrderBy(e => e.Id).Select(e => e.IpAddress).ToListAsync());
}
