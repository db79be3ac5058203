using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Madoguchi.Core.Accounts.Tokens;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Accounts;

public sealed class ApiTokenTests(AppFixture apps) : IClassFixture<AppFixture>
{
    private static HttpClient WithBearer(MadoguchiApp app, string secret)
    {
        var client = app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateToken_SecretIsShownOnceAndWorksAsBearer(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var session = await account.SignInOwnerAsync();

        var created = await (await session.PostAsJsonAsync("/api/v1/me/tokens", new { name = "CI スクリプト" })).ReadAsync<CreatedApiToken>();

        Assert.StartsWith(ApiToken.Prefix, created.Secret, StringComparison.Ordinal);
        Assert.StartsWith(created.Token.Hint, created.Secret, StringComparison.Ordinal);
        var me = await (await WithBearer(app, created.Secret).GetAsync("/api/v1/me")).ReadAsync<UserView>();
        Assert.Equal(account.Owner.Id, me.Id);
        var listText = await (await session.GetAsync("/api/v1/me/tokens")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(created.Secret, listText, StringComparison.Ordinal);
        var list = await (await session.GetAsync("/api/v1/me/tokens")).ReadAsync<PageBody<ApiTokenView>>();
        Assert.Equal("CI スクリプト", Assert.Single(list.Items).Name);
        Assert.DoesNotContain(created.Secret, await app.WithDbAsync(db => db.ApiTokens.Select(t => t.TokenHash).ToListAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateToken_WithoutName_Answers400(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var client = await app.TokenClientAsync(account.Owner);

        await (await client.PostAsJsonAsync("/api/v1/me/tokens", new { name = " " })).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_token_name");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RevokeToken_StopsItWorking(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var session = await account.SignInOwnerAsync();
        var created = await (await session.PostAsJsonAsync("/api/v1/me/tokens", new { name = "temp" })).ReadAsync<CreatedApiToken>();

        await (await session.DeleteAsync($"/api/v1/me/tokens/{created.Token.Id}")).AssertStatusAsync(HttpStatusCode.NoContent);

        Assert.Equal(HttpStatusCode.Unauthorized, (await WithBearer(app, created.Secret).GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(0, (await (await session.GetAsync("/api/v1/me/tokens")).ReadAsync<PageBody<ApiTokenView>>()).Total);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Tokens_OfAnotherUserOfTheSameAccount_AreNeitherListedNorRevocable(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var member = await account.AddActiveUserAsync(owner);
        var memberClient = await app.TokenClientAsync(member);
        var memberToken = await (await memberClient.PostAsJsonAsync("/api/v1/me/tokens", new { name = "member" })).ReadAsync<CreatedApiToken>();

        var ownerList = await (await owner.GetAsync("/api/v1/me/tokens")).ReadAsync<PageBody<ApiTokenView>>();
        await (await owner.DeleteAsync($"/api/v1/me/tokens/{memberToken.Token.Id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.DoesNotContain(ownerList.Items, t => t.Id == memberToken.Token.Id);
        await (await WithBearer(app, memberToken.Secret).GetAsync("/api/v1/me")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Bearer_UnknownOrMalformedSecret_Answers401(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);

        foreach (var secret in new[] { "mdg_u_notarealtoken", "garbage", "mdg_o_notarealtoken" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await WithBearer(app, secret).GetAsync("/api/v1/me")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ListTokens_LimitAbove200_Answers400(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var client = await app.TokenClientAsync(account.Owner);

        await (await client.GetAsync("/api/v1/me/tokens?limit=201")).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_limit");
        var page = await (await client.GetAsync("/api/v1/me/tokens?limit=200")).ReadAsync<PageBody<ApiTokenView>>();
        Assert.Equal(1, page.Total);
    }
}
