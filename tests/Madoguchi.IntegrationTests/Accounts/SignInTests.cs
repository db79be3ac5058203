using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Accounts;

public sealed class SignInTests(AppFixture apps) : IClassFixture<AppFixture>
{
    private const string WrongPassword = "not-the-password";

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignIn_RightPassword_Answers200WithSessionCookieAndUser(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var client = app.NewClient();

        var response = await client.PostAsJsonAsync("/api/v1/session", new { email = account.Owner.Email, password = MadoguchiApp.DefaultPassword });

        var user = await response.ReadAsync<UserView>();
        Assert.Equal(account.Owner.Id, user.Id);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("madoguchi_session=", StringComparison.Ordinal) && c.Contains("httponly", StringComparison.OrdinalIgnoreCase));
        var me = await (await client.GetAsync("/api/v1/me")).ReadAsync<UserView>();
        Assert.Equal(account.Owner.Id, me.Id);
        Assert.NotNull(me.LastSignInAt);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignIn_EmailInOtherCase_IsTheSameLogin(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();

        var response = await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = account.Owner.Email.ToUpperInvariant(), password = MadoguchiApp.DefaultPassword });

        Assert.Equal(account.Owner.Id, (await response.ReadAsync<UserView>()).Id);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignIn_WrongPassword_Answers401InvalidCredentialsWithoutCookie(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var client = app.NewClient();

        var response = await client.PostAsJsonAsync("/api/v1/session", new { email = account.Owner.Email, password = WrongPassword });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignIn_UnknownEmail_AnswersExactlyAsWrongPassword(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var client = app.NewClient();

        var wrongPassword = await client.PostAsJsonAsync("/api/v1/session", new { email = account.Owner.Email, password = WrongPassword });
        var unknownEmail = await client.PostAsJsonAsync("/api/v1/session", new { email = $"nobody-{Guid.NewGuid():N}@example.com", password = WrongPassword });

        var a = await wrongPassword.ReadProblemAsync(HttpStatusCode.Unauthorized);
        var b = await unknownEmail.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(Shape(a), Shape(b));
        Assert.Equal("invalid_credentials", b.GetProperty("code").GetString());
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignIn_InvitedUserWithoutPassword_Answers401InvalidCredentials(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var (invited, _) = await account.InviteUserAsync(await app.TokenClientAsync(account.Owner));

        var response = await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = invited.Email, password = "" });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignIn_FourWrongPasswords_DoNotLock(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();

        for (var i = 0; i < 4; i++)
            await (await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = account.Owner.Email, password = WrongPassword }))
                .AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");

        var user = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == account.Owner.Id));
        Assert.Equal(UserState.Active, user.State);
        Assert.Equal(4, user.FailedSignInCount);
        Assert.Null(user.LockedAt);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignIn_FifthWrongPassword_LocksUserWith423(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var user = await account.AddActiveUserAsync(await app.TokenClientAsync(account.Owner));

        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = user.Email, password = WrongPassword })).StatusCode);
        var fifth = await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = user.Email, password = WrongPassword });

        var problem = await fifth.ReadProblemAsync(HttpStatusCode.Locked);
        Assert.Equal("user_locked", problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        var stored = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.Equal(UserState.Locked, stored.State);
        Assert.NotNull(stored.LockedAt);
        var owner = await app.TokenClientAsync(account.Owner);
        var listed = await (await owner.GetAsync("/api/v1/users?state=locked")).ReadAsync<PageBody<UserView>>();
        Assert.Equal([user.Id], listed.Items.Select(u => u.Id));
        var locks = await (await owner.GetAsync($"/api/v1/audit-log?action=userLocked&userId={user.Id}")).ReadAsync<PageBody<AuditEntryView>>();
        Assert.Single(locks.Items);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignIn_WrongPasswordsInParallel_EachCountsAndTheUserLocks(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var user = await account.AddActiveUserAsync(await app.TokenClientAsync(account.Owner));

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = user.Email, password = WrongPassword })));

        foreach (var answer in answers.Where(a => a.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Locked)))
            Assert.Fail($"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Locked);
        var stored = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.Equal(UserState.Locked, stored.State);
        // Every attempt that checked the password counted: none was lost to a race.
        var failures = await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.TargetUserId == user.Id && e.Action == AuditAction.SignInFailed));
        Assert.Equal(answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized) + 1, failures);
        await (await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = user.Email, password = MadoguchiApp.DefaultPassword }))
            .AssertProblemAsync(HttpStatusCode.Locked, "user_locked");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignIn_Locked_RightPasswordRefusedWith423(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var user = await account.AddActiveUserAsync(await app.TokenClientAsync(account.Owner));
        await app.LockAsync(user.Id);

        var response = await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = user.Email, password = MadoguchiApp.DefaultPassword });

        await response.AssertProblemAsync(HttpStatusCode.Locked, "user_locked");
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignIn_Locked_StaysLockedWithNoTimeLimit(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var user = await account.AddActiveUserAsync(await app.TokenClientAsync(account.Owner));
        await app.LockAsync(user.Id);
        // A lock from long ago is still a lock: nothing expires it.
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.LockedAt, DateTime.UtcNow.AddYears(-3))));

        var response = await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = user.Email, password = MadoguchiApp.DefaultPassword });

        await response.AssertProblemAsync(HttpStatusCode.Locked, "user_locked");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignIn_Success_ResetsWrongPasswordCount(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var user = await account.AddActiveUserAsync(await app.TokenClientAsync(account.Owner));

        for (var i = 0; i < 4; i++)
            await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = user.Email, password = WrongPassword });
        await app.SignInAsync(user.Email);
        for (var i = 0; i < 4; i++)
            await (await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = user.Email, password = WrongPassword }))
                .AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");

        var stored = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.Equal(UserState.Active, stored.State);
        Assert.Equal(4, stored.FailedSignInCount);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignIn_Lock_EndsOpenSessionsAndTokensOfTheUser(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var user = await account.AddActiveUserAsync(await app.TokenClientAsync(account.Owner));
        var session = await app.SignInAsync(user.Email);
        var token = await app.TokenClientAsync(user);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/api/v1/me")).StatusCode);

        for (var i = 0; i < 5; i++)
            await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = user.Email, password = WrongPassword });

        Assert.Equal(HttpStatusCode.Unauthorized, (await session.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await token.GetAsync("/api/v1/me")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignOut_EndsTheSession(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var client = await account.SignInOwnerAsync();

        await (await client.DeleteAsync("/api/v1/session")).AssertStatusAsync(HttpStatusCode.NoContent);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Api_WithoutSession_Answers401(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var client = app.NewClient();

        foreach (var path in new[] { "/api/v1/me", "/api/v1/users", "/api/v1/inboxes", "/api/v1/audit-log", "/api/v1/me/tokens", "/api/v1/permissions", "/api/v1/operator/accounts" })
            await (await client.GetAsync(path)).ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Api_SignedInButNotAllowed_AnswersProblemDetails(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);

        await (await owner.GetAsync("/api/v1/operator/accounts")).ReadProblemAsync(HttpStatusCode.Forbidden);
        await (await owner.GetAsync("/api/v1/no-such-thing")).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    private static string Shape(JsonElement problem) =>
        string.Join(",", problem.EnumerateObject().Where(p => p.Name != "traceId").Select(p => $"{p.Name}={p.Value}"));
}
