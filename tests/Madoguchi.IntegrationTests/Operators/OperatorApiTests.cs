using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Operators;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Operators;

public sealed class OperatorApiTests(AppFixture apps) : IClassFixture<AppFixture>
{
    private static async Task<AccountOverview> FindAccountAsync(HttpClient operatorClient, Guid accountId)
    {
        for (var offset = 0; ; offset += 200)
        {
            var page = await (await operatorClient.GetAsync($"/api/v1/operator/accounts?offset={offset}&limit=200")).ReadAsync<PageBody<AccountOverview>>();
            var found = page.Items.SingleOrDefault(a => a.Id == accountId);
            if (found is not null)
                return found;
            Assert.True(offset + 200 < page.Total, $"account {accountId} is not listed");
        }
    }

    private static async Task<HttpClient> OperatorTokenClientAsync(MadoguchiApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var token = await scope.ServiceProvider.GetRequiredService<CreateOperatorTokenCommand>().HandleAsync(MadoguchiApp.OperatorEmail, CancellationToken.None);
        var client = app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        return client;
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorAccounts_ListEveryAccountWithItsOwnersAndLockedUsers(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var locked = await account.AddActiveUserAsync(owner);
        await account.AddActiveUserAsync(owner);
        await app.LockAsync(locked.Id);
        var operatorClient = await app.SignInOperatorAsync();

        var overview = await FindAccountAsync(operatorClient, account.Id);

        Assert.Equal(3, overview.UserCount);
        Assert.Equal([account.Owner.Id], overview.Owners.Select(u => u.Id));
        Assert.Equal([locked.Id], overview.LockedUsers.Select(u => u.Id));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorUnlock_WhenEveryOwnerIsLocked_RestoresTheOwnerAndAudits(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        await app.LockAsync(account.Owner.Id);
        var operatorClient = await OperatorTokenClientAsync(app);

        var unlocked = await (await operatorClient.PostAsync($"/api/v1/operator/users/{account.Owner.Id}/unlock", null)).ReadAsync<UserView>();

        Assert.Equal(UserState.Active, unlocked.State);
        var owner = await app.SignInAsync(account.Owner.Email);
        var entry = Assert.Single((await (await owner.GetAsync("/api/v1/audit-log?action=userUnlocked")).ReadAsync<PageBody<AuditEntryView>>()).Items);
        Assert.Null(entry.ActorUserId);
        Assert.Contains(MadoguchiApp.OperatorEmail, entry.ActorName, StringComparison.Ordinal);
        Assert.Equal(account.Owner.Id, entry.TargetUserId);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorUnlock_UserNotLockedOrUnknown_Answers409Or404(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var operatorClient = await OperatorTokenClientAsync(app);

        await (await operatorClient.PostAsync($"/api/v1/operator/users/{account.Owner.Id}/unlock", null)).AssertProblemAsync(HttpStatusCode.Conflict, "not_locked");
        await (await operatorClient.PostAsync($"/api/v1/operator/users/{Guid.NewGuid()}/unlock", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorApi_WithoutOperatorCredentials_Answers401OrForAccountUsers403(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        await app.LockAsync((await account.AddActiveUserAsync(await app.TokenClientAsync(account.Owner))).Id);
        var ownerToken = await app.TokenClientAsync(account.Owner);
        var ownerSession = await account.SignInOwnerAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.NewClient().GetAsync("/api/v1/operator/accounts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ownerToken.GetAsync("/api/v1/operator/accounts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ownerSession.GetAsync("/api/v1/operator/accounts")).StatusCode);
        var lockedId = await app.WithDbAsync(db => db.Users.Where(u => u.AccountId == account.Id && u.State == UserState.Locked).Select(u => u.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await ownerSession.PostAsync($"/api/v1/operator/users/{lockedId}/unlock", null)).StatusCode);
        Assert.Equal(UserState.Locked, await app.WithDbAsync(db => db.Users.Where(u => u.Id == lockedId).Select(u => u.State).SingleAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorSession_IsNotAnAccountUser_AccountApiAnswers403(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var operatorClient = await app.SignInOperatorAsync();
        var operatorToken = await OperatorTokenClientAsync(app);

        foreach (var client in new[] { operatorClient, operatorToken })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/me")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/users")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/inboxes", new { name = "x" })).StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorSignIn_WrongPasswordOrUserCredentials_Answer401LikeUsers(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var client = app.NewClient();

        await (await client.PostAsJsonAsync("/api/v1/operator/session", new { email = MadoguchiApp.OperatorEmail, password = "wrong-password" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        await (await client.PostAsJsonAsync("/api/v1/operator/session", new { email = "nobody@example.com", password = "wrong-password" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        // A right password resets the operator's count, so the shared operator never locks here.
        await app.SignInOperatorAsync();
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorAccounts_LimitAbove200_Answers400(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var operatorClient = await OperatorTokenClientAsync(app);

        await (await operatorClient.GetAsync("/api/v1/operator/accounts?limit=201")).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_limit");
        var page = await (await operatorClient.GetAsync("/api/v1/operator/accounts?limit=1")).ReadAsync<PageBody<AccountOverview>>();
        Assert.Single(page.Items);
        Assert.Equal(await app.WithDbAsync(db => db.Accounts.CountAsync()), page.Total);
    }
}
