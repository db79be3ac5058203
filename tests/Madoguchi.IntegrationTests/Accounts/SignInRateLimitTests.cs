using System.Net;
using System.Net.Http.Json;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Accounts;

public sealed class SignInRateLimitTests
{
    private static readonly Dictionary<string, string?> ThreePerMinute = new() { ["Madoguchi:Accounts:SignInRateLimit:PermitsPerMinute"] = "3" };

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignIn_MoreAttemptsPerMinuteThanAllowed_Answers429WithoutCheckingThePassword(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, ThreePerMinute);
        var account = await app.CreateAccountAsync();
        var client = app.NewClient();

        for (var i = 0; i < 3; i++)
            await (await client.PostAsJsonAsync("/api/v1/session", new { email = account.Owner.Email, password = "wrong-password" }))
                .AssertStatusAsync(HttpStatusCode.Unauthorized);
        var refused = await client.PostAsJsonAsync("/api/v1/session", new { email = account.Owner.Email, password = MadoguchiApp.DefaultPassword });
        var alsoRefused = await app.NewClient().PostAsJsonAsync("/api/v1/operator/session", new { email = MadoguchiApp.OperatorEmail, password = MadoguchiApp.OperatorPassword });

        await refused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_attempts");
        Assert.True(refused.Headers.RetryAfter is not null);
        Assert.False(refused.Headers.Contains("Set-Cookie"));
        await alsoRefused.AssertProblemAsync(HttpStatusCode.TooManyRequests, "too_many_attempts");
        // Refused attempts never reached the password check: three wrong passwords counted, not five.
        var owner = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == account.Owner.Id));
        Assert.Equal(3, owner.FailedSignInCount);
        Assert.Equal(UserState.Active, owner.State);
        // Other API calls are not limited.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
    }
}
