using System.Net;
using System.Net.Http.Json;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Accounts;

public sealed class UnlockTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Unlock_ByAnOwner_RestoresUserWhoCanSignInAgain(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var user = await account.AddActiveUserAsync(owner);
        for (var i = 0; i < 5; i++)
            await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = user.Email, password = "wrong-password" });

        var unlocked = await (await owner.PostAsync($"/api/v1/users/{user.Id}/unlock", null)).ReadAsync<UserView>();

        Assert.Equal(UserState.Active, unlocked.State);
        Assert.Null(unlocked.LockedAt);
        var stored = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.Equal(0, stored.FailedSignInCount);
        await app.SignInAsync(user.Email);
        var audit = await (await owner.GetAsync($"/api/v1/audit-log?action=userUnlocked&userId={user.Id}")).ReadAsync<PageBody<AuditEntryView>>();
        Assert.Equal(account.Owner.Id, Assert.Single(audit.Items).ActorUserId);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Unlock_ALockedOwnerByAnotherOwner_Succeeds(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var first = await app.TokenClientAsync(account.Owner);
        var second = await account.AddActiveUserAsync(first, owner: true);
        await app.LockAsync(account.Owner.Id);

        var unlocked = await (await (await app.TokenClientAsync(second)).PostAsync($"/api/v1/users/{account.Owner.Id}/unlock", null)).ReadAsync<UserView>();

        Assert.Equal(UserState.Active, unlocked.State);
        Assert.True(unlocked.IsOwner);
        await app.SignInAsync(account.Owner.Email);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Unlock_Self_Answers403CannotUnlockSelf(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);

        await (await owner.PostAsync($"/api/v1/users/{account.Owner.Id}/unlock", null)).AssertProblemAsync(HttpStatusCode.Forbidden, "cannot_unlock_self");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Unlock_LockedOwner_CannotActAtAllUntilRestored(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var session = await account.SignInOwnerAsync();
        var token = await app.TokenClientAsync(account.Owner);
        await app.LockAsync(account.Owner.Id);

        Assert.Equal(HttpStatusCode.Unauthorized, (await session.PostAsync($"/api/v1/users/{account.Owner.Id}/unlock", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await token.PostAsync($"/api/v1/users/{account.Owner.Id}/unlock", null)).StatusCode);

        Assert.Equal(UserState.Locked, await app.WithDbAsync(db => db.Users.Where(u => u.Id == account.Owner.Id).Select(u => u.State).SingleAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Unlock_ByNonOwner_Answers403AndStaysLocked(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var member = await account.AddActiveUserAsync(owner);
        var locked = await account.AddActiveUserAsync(owner);
        await app.LockAsync(locked.Id);

        await (await (await app.TokenClientAsync(member)).PostAsync($"/api/v1/users/{locked.Id}/unlock", null)).AssertProblemAsync(HttpStatusCode.Forbidden, "owners_only");

        Assert.Equal(UserState.Locked, await app.WithDbAsync(db => db.Users.Where(u => u.Id == locked.Id).Select(u => u.State).SingleAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Unlock_UserWhoIsNotLocked_Answers409(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var user = await account.AddActiveUserAsync(owner);

        await (await owner.PostAsync($"/api/v1/users/{user.Id}/unlock", null)).AssertProblemAsync(HttpStatusCode.Conflict, "not_locked");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Unlock_UnknownUser_Answers404(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);

        await (await owner.PostAsync($"/api/v1/users/{Guid.NewGuid()}/unlock", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }
}
