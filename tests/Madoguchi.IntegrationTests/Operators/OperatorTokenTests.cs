using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Operators;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Operators;

public sealed class OperatorTokenTests(AppFixture apps) : IClassFixture<AppFixture>
{
    private static HttpClient Bearer(MadoguchiApp app, string secret)
    {
        var client = app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorTokens_NamedWithExpiry_ListedWithoutSecret_RevokedOrExpiredStopWorking(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var console = await app.SignInOperatorAsync();
        var name = $"billing-{Guid.NewGuid():N}";

        var created = await (await console.PostAsJsonAsync("/api/v1/operator/tokens", new { name, expiresAt = DateTime.UtcNow.AddDays(30) }))
            .ReadAsync<CreatedOperatorToken>(HttpStatusCode.Created);
        var other = await (await console.PostAsJsonAsync("/api/v1/operator/tokens", new { name = name + "-2" })).ReadAsync<CreatedOperatorToken>(HttpStatusCode.Created);
        await (await console.PostAsJsonAsync("/api/v1/operator/tokens", new { name, expiresAt = DateTime.UtcNow.AddDays(-1) }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_token_expiry");

        Assert.StartsWith(OperatorToken.Prefix, created.Secret, StringComparison.Ordinal);
        await (await Bearer(app, created.Secret).GetAsync("/api/v1/operator/accounts")).AssertStatusAsync(HttpStatusCode.OK);
        var listText = await (await console.GetAsync("/api/v1/operator/tokens")).Content.ReadAsStringAsync();
        var listed = JsonSerializer.Deserialize<List<OperatorTokenView>>(listText, MadoguchiJson.Options)!.Single(t => t.Name == name);
        Assert.Equal(created.Token.Id, listed.Id);
        Assert.NotNull(listed.ExpiresAt);
        Assert.NotNull(listed.LastUsedAt);
        Assert.DoesNotContain(created.Secret, listText, StringComparison.Ordinal);

        await (await console.DeleteAsync($"/api/v1/operator/tokens/{created.Token.Id}")).AssertStatusAsync(HttpStatusCode.NoContent);
        await (await Bearer(app, created.Secret).GetAsync("/api/v1/operator/accounts")).AssertStatusAsync(HttpStatusCode.Unauthorized);
        await (await console.DeleteAsync($"/api/v1/operator/tokens/{created.Token.Id}")).AssertStatusAsync(HttpStatusCode.NotFound);

        // An expiry that has passed: refused like a revoked token.
        await (await Bearer(app, other.Secret).GetAsync("/api/v1/operator/accounts")).AssertStatusAsync(HttpStatusCode.OK);
        await app.WithDbAsync(db => db.OperatorTokens.Where(t => t.Id == other.Token.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.ExpiresAt, (DateTime?)DateTime.UtcNow.AddMinutes(-1))));
        await (await Bearer(app, other.Secret).GetAsync("/api/v1/operator/accounts")).AssertStatusAsync(HttpStatusCode.Unauthorized);

        var audit = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.AccountId == null && e.Detail!.Contains(name)).Select(e => e.Action).ToListAsync());
        Assert.Equal(2, audit.Count(a => a == AuditAction.OperatorTokenCreated));
        Assert.Equal(1, audit.Count(a => a == AuditAction.OperatorTokenRevoked));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorEndpoints_RefuseUserSessionsAndTokens_UserEndpointsRefuseOperatorSessionsAndTokens(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var userToken = await app.TokenClientAsync(account.Owner);
        var userSession = await account.SignInOwnerAsync();
        var operatorSession = await app.SignInOperatorAsync();
        var operatorToken = Bearer(app, (await (await operatorSession.PostAsJsonAsync("/api/v1/operator/tokens", new { name = "isolation" }))
            .ReadAsync<CreatedOperatorToken>(HttpStatusCode.Created)).Secret);

        foreach (var user in new[] { userToken, userSession })
        {
            await (await user.GetAsync("/api/v1/operator/accounts")).AssertStatusAsync(HttpStatusCode.Forbidden);
            await (await user.PostAsJsonAsync("/api/v1/operator/accounts", new { accountName = "x", ownerEmail = $"{Guid.NewGuid():N}@example.com", ownerFamilyName = "a", ownerGivenName = "b" }))
                .AssertStatusAsync(HttpStatusCode.Forbidden);
            await (await user.PostAsJsonAsync($"/api/v1/operator/accounts/{account.Id}/suspend", new { reason = "x" })).AssertStatusAsync(HttpStatusCode.Forbidden);
            await (await user.PostAsync($"/api/v1/operator/accounts/{account.Id}/resume", null)).AssertStatusAsync(HttpStatusCode.Forbidden);
            await (await user.GetAsync("/api/v1/operator/tokens")).AssertStatusAsync(HttpStatusCode.Forbidden);
        }
        foreach (var op in new[] { operatorToken, operatorSession })
        {
            await (await op.GetAsync("/api/v1/me")).AssertStatusAsync(HttpStatusCode.Forbidden);
            await (await op.GetAsync("/api/v1/users")).AssertStatusAsync(HttpStatusCode.Forbidden);
            await (await op.GetAsync("/api/v1/inboxes")).AssertStatusAsync(HttpStatusCode.Forbidden);
            await (await op.PostAsJsonAsync("/api/v1/me/tokens", new { name = "x" })).AssertStatusAsync(HttpStatusCode.Forbidden);
        }
        Assert.False(await app.WithDbAsync(db => db.Accounts.AnyAsync(a => a.Id == account.Id && a.SuspendedAt != null)));
    }
}
