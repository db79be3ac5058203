using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Operators;
using Madoguchi.Testing.App;
using Madoguchi.Web.Cli;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Cli;

/// <summary>The admin subcommands, run in-process against the app's services as Program.cs runs them.</summary>
public sealed class AdminCommandLineTests(AppFixture apps) : IClassFixture<AppFixture>
{
    private sealed record Run(int ExitCode, string Output, string Error);

    private static async Task<Run> RunAsync(MadoguchiApp app, string stdin, params string[] args)
    {
        var command = AdminCommandLine.Parse(args);
        Assert.NotNull(command);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await command.RunAsync(app.Services, new StringReader(stdin), output, error);
        return new Run(exit, output.ToString(), error.ToString());
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Setup_WithFlags_CreatesOperatorAndAccountWhoseOwnerCanSignIn(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, setUp: false, emptyDatabase: true);

        var run = await RunAsync(app, "", "setup", "--operator-email", "ops@example.com", "--operator-password", "ops-password-1",
            "--account-name", "株式会社テスト", "--owner-email", "owner@example.com", "--owner-password", "owner-password-1",
            "--owner-family-name", "田中", "--owner-given-name", "太郎");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("owner@example.com", run.Output, StringComparison.Ordinal);
        var owner = await (await (await app.SignInAsync("owner@example.com", "owner-password-1")).GetAsync("/api/v1/me")).ReadAsync<UserView>();
        Assert.True(owner.IsOwner);
        Assert.Equal("田中", owner.FamilyName);
        Assert.Equal("株式会社テスト", await app.WithDbAsync(db => db.Accounts.Select(a => a.Name).SingleAsync()));
        await (await app.NewClient().PostAsJsonAsync("/api/v1/operator/session", new { email = "ops@example.com", password = "ops-password-1" })).AssertStatusAsync(HttpStatusCode.Forbidden); // right password; next: enrol 2FA (totp_enrolment_required)
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Setup_SameValueForTwoOptions_KeepsBothAndShiftsNothing(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, setUp: false, emptyDatabase: true);

        // One address for operator and owner, one password for both, the same word as account and names.
        var run = await RunAsync(app, "", "setup", "--operator-email", "same@example.com", "--operator-password", "same-password-1",
            "--account-name", "Same", "--owner-email", "same@example.com", "--owner-password", "same-password-1",
            "--owner-family-name", "Same", "--owner-given-name", "Same");

        Assert.True(run.ExitCode == 0, run.Error);
        var owner = await (await (await app.SignInAsync("same@example.com", "same-password-1")).GetAsync("/api/v1/me")).ReadAsync<UserView>();
        Assert.True(owner.IsOwner);
        Assert.Equal("Same", owner.FamilyName);
        Assert.Equal("Same", owner.GivenName);
        Assert.Equal("Same", await app.WithDbAsync(db => db.Accounts.Select(a => a.Name).SingleAsync()));
        await (await app.NewClient().PostAsJsonAsync("/api/v1/operator/session", new { email = "same@example.com", password = "same-password-1" })).AssertStatusAsync(HttpStatusCode.Forbidden); // right password; next: enrol 2FA (totp_enrolment_required)
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Setup_PasswordsOnStandardInput_AreReadOperatorFirstThenOwner(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, setUp: false, emptyDatabase: true);

        var run = await RunAsync(app, "ops-from-stdin-1\nowner-from-stdin-1\n",
            "setup", "--operator-email", "ops@example.com", "--account-name", "Example", "--owner-email", "owner@example.com");
        var again = await RunAsync(app, "", "setup", "--operator-email", "ops2@example.com", "--operator-password", "ops-password-2",
            "--account-name", "Second", "--owner-email", "owner2@example.com", "--owner-password", "owner-password-2");

        Assert.Equal(0, run.ExitCode);
        await app.SignInAsync("owner@example.com", "owner-from-stdin-1");
        await (await app.NewClient().PostAsJsonAsync("/api/v1/operator/session", new { email = "ops@example.com", password = "ops-from-stdin-1" })).AssertStatusAsync(HttpStatusCode.Forbidden); // right password; next: enrol 2FA (totp_enrolment_required)
        // A second setup is refused and changes nothing.
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already set up", again.Error, StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => db.Accounts.CountAsync()));
        Assert.Equal(1, await app.WithDbAsync(db => db.Operators.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Setup_MissingFlagOrPasswordOrBadValue_FailsAndCreatesNothing(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, setUp: false, emptyDatabase: true);

        var noAccount = await RunAsync(app, "a-password-1\nb-password-1\n", "setup", "--operator-email", "ops@example.com", "--owner-email", "owner@example.com");
        var noStdin = await RunAsync(app, "", "setup", "--operator-email", "ops@example.com", "--account-name", "X", "--owner-email", "owner@example.com");
        var shortPassword = await RunAsync(app, "short\nowner-password-1\n", "setup", "--operator-email", "ops@example.com", "--account-name", "X", "--owner-email", "owner@example.com");
        var unknownVerb = await RunAsync(app, "", "users", "explode");

        Assert.Equal(2, noAccount.ExitCode);
        Assert.Contains("--account-name", noAccount.Error, StringComparison.Ordinal);
        Assert.Equal(2, noStdin.ExitCode);
        Assert.Equal(1, shortPassword.ExitCode);
        Assert.Equal(2, unknownVerb.ExitCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.Operators.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.Accounts.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task UsersList_Locked_ListsOnlyLockedUsers(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var locked = await account.AddActiveUserAsync(owner);
        var active = await account.AddActiveUserAsync(owner);
        await app.LockAsync(locked.Id);

        var lockedRun = await RunAsync(app, "", "users", "list", "--locked");
        var allRun = await RunAsync(app, "", "users", "list");

        Assert.Equal(0, lockedRun.ExitCode);
        Assert.Contains(locked.Email, lockedRun.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(active.Email, lockedRun.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(account.Owner.Email, lockedRun.Output, StringComparison.Ordinal);
        Assert.All(lockedRun.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).SkipLast(1), line => Assert.Contains("\tlocked\t", line, StringComparison.Ordinal));
        Assert.Contains(active.Email, allRun.Output, StringComparison.Ordinal);
        Assert.Contains(locked.Email, allRun.Output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task UsersUnlock_Email_RestoresTheUserAndAuditsTheServerConsole(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        await app.LockAsync(account.Owner.Id);

        var run = await RunAsync(app, "", "users", "unlock", account.Owner.Email.ToUpperInvariant());

        Assert.Equal(0, run.ExitCode);
        var owner = await app.SignInAsync(account.Owner.Email);
        var entry = Assert.Single((await (await owner.GetAsync("/api/v1/audit-log?action=userUnlocked")).ReadAsync<PageBody<AuditEntryView>>()).Items);
        Assert.Equal("server console", entry.ActorName);
        Assert.Null(entry.ActorUserId);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task UsersUnlock_UnknownOrNotLockedOrMissingEmail_Fails(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();

        var unknown = await RunAsync(app, "", "users", "unlock", "nobody@example.com");
        var notLocked = await RunAsync(app, "", "users", "unlock", account.Owner.Email);
        var missing = await RunAsync(app, "", "users", "unlock");

        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal(1, notLocked.ExitCode);
        Assert.Contains("not locked", notLocked.Error, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorsToken_Email_PrintsATokenThatWorksOnTheOperatorApi(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();

        var run = await RunAsync(app, "", "operators", "token", "--email", MadoguchiApp.OperatorEmail);
        var unknown = await RunAsync(app, "", "operators", "token", "--email", "nobody@example.com");

        Assert.Equal(0, run.ExitCode);
        var token = run.Output.Trim();
        Assert.StartsWith(OperatorToken.Prefix, token, StringComparison.Ordinal);
        var client = app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var accounts = await (await client.GetAsync("/api/v1/operator/accounts?limit=200")).ReadAsync<PageBody<AccountOverview>>();
        Assert.True(accounts.Total >= 2);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.Users.CountAsync(u => u.AccountId == account.Id && u.State == UserState.Locked)));
    }

    [Theory]
    [InlineData("user", "list")]
    [InlineData("parcels", "analyze", "x")]
    [InlineData("users", "lst")]
    [InlineData("users")]
    [InlineData("setup", "--operator-email")]
    [InlineData("users", "list", "--lockd")]
    [InlineData("--urls")]
    [InlineData("-x")]
    public async Task UnknownVerbOrTypoOrBadOption_PrintsUsageAndExits2WithoutServices(params string[] args)
    {
        var command = AdminCommandLine.Parse(args);
        Assert.NotNull(command);
        Assert.False(command.NeedsServices);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await command.RunAsync(EmptyServices.Instance, new StringReader(""), output, error);

        Assert.Equal(2, exit);
        Assert.Contains("Usage:", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("setup", "--operator-email")]
    [InlineData("users", "list", "--locked")]
    [InlineData("users", "unlock", "<email>")]
    [InlineData("operators", "token", "--email")]
    [InlineData("operators", "unlock", "<email>")]
    [InlineData("messages", "reprocess", "--inbox")]
    [InlineData("users", "unlock")]
    [InlineData("operators", "token")]
    [InlineData("messages", "reprocess")]
    public async Task Help_ForEveryVerbAndGroup_DescribesItsArgumentsAndExits0WithoutServices(params string[] words)
    {
        // The last word is what the help must mention; the others name the verb (or group).
        var path = words[..^1];
        var command = AdminCommandLine.Parse([.. path, "--help"]);
        Assert.NotNull(command);
        Assert.False(command.NeedsServices);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await command.RunAsync(EmptyServices.Instance, new StringReader(""), output, error);

        Assert.Equal(0, exit);
        Assert.Contains($"Usage:{Environment.NewLine}  ", output.ToString(), StringComparison.Ordinal);
        Assert.Contains(string.Join(' ', path), output.ToString(), StringComparison.Ordinal);
        Assert.Contains(words[^1], output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoArgumentsOrOnlyHostOptions_MeansRunTheServer()
    {
        Assert.Null(AdminCommandLine.Parse([]));
        Assert.Null(AdminCommandLine.Parse(["--urls", "http://127.0.0.1:5080"]));
        Assert.Null(AdminCommandLine.Parse(["--urls=http://127.0.0.1:5080", "--environment", "Production", "--Madoguchi:DataDirectory=/srv/m", "--Madoguchi:Database:Provider", "Postgres"]));
        // Host options may accompany a verb; the verb still runs with them passed to the host.
        var verb = AdminCommandLine.Parse(["--Madoguchi:DataDirectory=/srv/m", "users", "list", "--environment", "Production"]);
        Assert.NotNull(verb);
        Assert.True(verb.NeedsServices);
        Assert.Equal(["--Madoguchi:DataDirectory=/srv/m", "--environment", "Production"], verb.HostArgs);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorsUnlock_IsRecordedInTheInstallationAuditTrailAsTheServerConsole(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var before = await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == AuditAction.OperatorUnlocked));

        var run = await RunAsync(app, "", "operators", "unlock", MadoguchiApp.OperatorEmail);
        var unknown = await RunAsync(app, "", "operators", "unlock", "nobody@example.com");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(1, unknown.ExitCode);
        var entries = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.Action == AuditAction.OperatorUnlocked).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(before + 1, entries.Count);
        var entry = entries[^1];
        Assert.Null(entry.AccountId);
        Assert.Equal("server console", entry.ActorName);
        Assert.Contains(MadoguchiApp.OperatorEmail, entry.Detail, StringComparison.Ordinal);
        // Installation entries appear in no account's log.
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        Assert.Empty((await (await owner.GetAsync("/api/v1/audit-log?action=operatorUnlocked")).ReadAsync<PageBody<AuditEntryView>>()).Items);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorsUnlock_AfterFiveWrongPasswords_TheOperatorCanSignInAgain(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var client = app.NewClient();
        for (var i = 0; i < 4; i++)
            await (await client.PostAsJsonAsync("/api/v1/operator/session", new { email = MadoguchiApp.OperatorEmail, password = "wrong-password" })).AssertStatusAsync(HttpStatusCode.Unauthorized);
        await (await client.PostAsJsonAsync("/api/v1/operator/session", new { email = MadoguchiApp.OperatorEmail, password = "wrong-password" }))
            .AssertProblemAsync(HttpStatusCode.Locked, "operator_locked");
        await (await client.PostAsJsonAsync("/api/v1/operator/session", new { email = MadoguchiApp.OperatorEmail, password = MadoguchiApp.OperatorPassword }))
            .AssertProblemAsync(HttpStatusCode.Locked, "operator_locked");

        var run = await RunAsync(app, "", "operators", "unlock", MadoguchiApp.OperatorEmail);

        Assert.Equal(0, run.ExitCode);
        await app.SignInOperatorAsync();
    }
}
