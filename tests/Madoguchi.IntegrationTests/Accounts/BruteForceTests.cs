using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Accounts.Passwords;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Operators;
using Madoguchi.Testing.App;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Madoguchi.IntegrationTests.Accounts;

/// <summary>Guessing passwords costs a lock everywhere a password is checked: operator sign-in, "change password",
/// and for addresses that do not exist, whose answers are those of a real address.</summary>
public sealed class BruteForceTests(AppFixture apps) : IClassFixture<AppFixture>
{
    private const string WrongPassword = "not-the-password";

    private static async Task<(Guid Id, string Email)> AddOperatorAsync(MadoguchiApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<Operator>>();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        var op = new Operator { Email = $"op-{Guid.NewGuid():N}@madoguchi.test", PasswordHash = "" };
        op.PasswordHash = hasher.HashPassword(op, MadoguchiApp.OperatorPassword);
        db.Operators.Add(op);
        await db.SaveChangesAsync();
        return (op.Id, op.Email);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorSignIn_25ParallelWrongPasswords_LockTheOperatorAndEachFailureIsAudited(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var (id, email) = await AddOperatorAsync(app);

        var answers = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ =>
            app.NewClient().PostAsJsonAsync("/api/v1/operator/session", new { email, password = WrongPassword })));

        foreach (var answer in answers.Where(a => a.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Locked)))
            Assert.Fail($"{(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
        // Five wrong passwords lock, whatever the interleaving: no more than four can have been answered "wrong".
        Assert.Equal(4, answers.Count(a => a.StatusCode == HttpStatusCode.Unauthorized));
        var stored = await app.WithDbAsync(db => db.Operators.AsNoTracking().SingleAsync(o => o.Id == id));
        Assert.NotNull(stored.LockedAt);
        Assert.Equal(5, stored.FailedSignInCount);
        var failures = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.AccountId == null && e.ActorName.Contains(email)).Select(e => e.Action).ToListAsync());
        Assert.Equal(5, failures.Count(a => a == AuditAction.OperatorSignInFailed));
        Assert.Single(failures, a => a == AuditAction.OperatorLocked);
        await (await app.NewClient().PostAsJsonAsync("/api/v1/operator/session", new { email, password = MadoguchiApp.OperatorPassword }))
            .AssertProblemAsync(HttpStatusCode.Locked, "operator_locked");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorSignIn_UnknownAddress_AfterFiveTriesAnswersAsALockedOperator(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var (_, email) = await AddOperatorAsync(app);
        var unknown = $"nobody-{Guid.NewGuid():N}@madoguchi.test";

        var real = await FiveWrongAsync(app, "/api/v1/operator/session", email);
        var fake = await FiveWrongAsync(app, "/api/v1/operator/session", unknown);

        Assert.Equal(real.Statuses, fake.Statuses);
        Assert.Equal(real.Last, fake.Last);
        Assert.Equal(HttpStatusCode.Locked, real.Statuses[^1]);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignIn_UnknownAddress_AfterFiveTriesAnswersExactlyAsALockedUser(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var user = await account.AddActiveUserAsync(await app.TokenClientAsync(account.Owner));
        var unknown = $"nobody-{Guid.NewGuid():N}@example.com";

        var real = await FiveWrongAsync(app, "/api/v1/session", user.Email);
        var fake = await FiveWrongAsync(app, "/api/v1/session", unknown);

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Locked], real.Statuses);
        Assert.Equal(real.Statuses, fake.Statuses);
        Assert.Equal(real.Last, fake.Last);
        // And it stays so, with any password, like a real lock.
        var again = await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = unknown, password = MadoguchiApp.DefaultPassword });
        Assert.Equal(real.Last, Shape(await again.ReadProblemAsync(HttpStatusCode.Locked)));
        // Only a hash of the address is kept.
        Assert.False(await app.WithDbAsync(db => db.SignInFailureCounts.AnyAsync(c => c.AddressHash.Contains("nobody"))));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignIn_InvitedAddress_AfterFiveTriesAnswersAsALockedUser(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var (invited, _) = await account.InviteUserAsync(await app.TokenClientAsync(account.Owner));

        var answers = await FiveWrongAsync(app, "/api/v1/session", invited.Email);

        Assert.Equal(HttpStatusCode.Locked, answers.Statuses[^1]);
        Assert.Contains("user_locked", answers.Last, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ChangePassword_FiveWrongCurrentPasswords_LockTheUser(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var user = await account.AddActiveUserAsync(await app.TokenClientAsync(account.Owner));
        var client = await app.TokenClientAsync(user);

        for (var i = 0; i < 4; i++)
            await (await client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = WrongPassword, newPassword = "a-new-password-1" }))
                .AssertProblemAsync(HttpStatusCode.BadRequest, "wrong_current_password");
        var fifth = await client.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = WrongPassword, newPassword = "a-new-password-1" });

        await fifth.AssertProblemAsync(HttpStatusCode.Locked, "user_locked");
        var stored = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        Assert.Equal(UserState.Locked, stored.State);
        Assert.Equal(5, await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.TargetUserId == user.Id && e.Action == AuditAction.SignInFailed)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/me")).StatusCode);
        await (await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = user.Email, password = MadoguchiApp.DefaultPassword }))
            .AssertProblemAsync(HttpStatusCode.Locked, "user_locked");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignIn_HashWithFewerIterations_IsRehashedWithTheConfiguredCount(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var user = await account.AddActiveUserAsync(await app.TokenClientAsync(account.Owner));
        var configured = app.Services.GetRequiredService<IOptions<PasswordHashingOptions>>().Value.Iterations;
        var old = new PasswordHasher<User>(Options.Create(new PasswordHasherOptions { IterationCount = 100 }));
        var oldHash = old.HashPassword(new User { FamilyName = "-", GivenName = "-", Email = user.Email }, MadoguchiApp.DefaultPassword);
        await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, oldHash)));
        Assert.Equal(100, Pbkdf2Iterations(oldHash));

        await app.SignInAsync(user.Email);

        var newHash = await app.WithDbAsync(db => db.Users.Where(u => u.Id == user.Id).Select(u => u.PasswordHash!).SingleAsync());
        Assert.NotEqual(oldHash, newHash);
        Assert.Equal(configured, Pbkdf2Iterations(newHash));
        await app.SignInAsync(user.Email);
    }

    /// <summary>PasswordHasher format V3: 0x01, PRF (2 = HMAC-SHA512), iteration count, salt length (big-endian).</summary>
    internal static int Pbkdf2Iterations(string hash)
    {
        var bytes = Convert.FromBase64String(hash);
        Assert.Equal(1, bytes[0]);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1)));
        return (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5));
    }

    private static async Task<(HttpStatusCode[] Statuses, string Last)> FiveWrongAsync(MadoguchiApp app, string path, string email)
    {
        var statuses = new List<HttpStatusCode>();
        var last = "";
        for (var i = 0; i < 5; i++)
        {
            var response = await app.NewClient().PostAsJsonAsync(path, new { email, password = WrongPassword });
            statuses.Add(response.StatusCode);
            last = Shape(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
        }
        return ([.. statuses], last);
    }

    private static string Shape(JsonElement problem) =>
        string.Join(",", problem.EnumerateObject().Where(p => p.Name != "traceId").Select(p => $"{p.Name}={p.Value}"));
}
