using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Madoguchi.Core.Accounts.Tokens;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Operators;
using Madoguchi.Core.Operators.TwoFactor;
using Madoguchi.Core.Setup;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Testing.App;

/// <summary>The whole product in-process on a database of its own of one provider, with intent methods for tests:
/// open an account, sign in, add users. Tests talk to it through HTTP like any client.</summary>
public sealed class MadoguchiApp : WebApplicationFactory<Program>
{
    public const string OperatorEmail = "operator@madoguchi.test";
    public const string OperatorPassword = "operator-password";
    public const string DefaultPassword = "correct-horse-42";

    /// <summary>The TOTP secret (base32) the set-up operator is enrolled with, so tests compute the second sign-in step.</summary>
    public const string OperatorTotpSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    /// <summary>PBKDF2 iterations the app under test hashes with, to keep the suite fast.</summary>
    public const int TestPasswordIterations = 1_000;

    private readonly Dictionary<string, string?> _settings;
    private readonly bool _kestrel;
    private readonly Action<IServiceCollection>? _services;
    private readonly bool _ownsDatabase;
    private int _sequence;
    private readonly SemaphoreSlim _operatorCodes = new(1, 1);

    private MadoguchiApp(TestDatabase database, IDictionary<string, string?>? settings, bool kestrel, Action<IServiceCollection>? services = null, bool ownsDatabase = true)
    {
        Database = database;
        _kestrel = kestrel;
        _services = services;
        _ownsDatabase = ownsDatabase;
        _settings = new Dictionary<string, string?>
        {
            ["Madoguchi:DataDirectory"] = database.DataDirectory,
            ["Madoguchi:Database:Provider"] = database.Provider.ToString(),
            ["Madoguchi:Database:ConnectionString"] = database.ConnectionString,
            // Tests sign in many times from 127.0.0.1; the rate-limit test sets its own small number.
            ["Madoguchi:Accounts:SignInRateLimit:PermitsPerMinute"] = "100000",
            // The test mail servers (Dovecot, fakes) listen on 127.0.0.1; installations refuse loopback unless told (issue 6).
            ["Madoguchi:Network:AllowLoopback"] = "true",
            // Accounts without a plan get the installation's user and inbox limits (5 and 3 by default); tests build accounts
            // of any size, and the plan tests set these limits (or assign a plan) where the limit is what they test.
            ["Madoguchi:Plans:UnplannedUsers"] = "1000",
            ["Madoguchi:Plans:UnplannedInboxes"] = "1000",
            // Password hashing is most of the suite's time: tests hash with few PBKDF2 iterations (the product's default is OWASP's 210,000).
            ["Madoguchi:Accounts:Passwords:Iterations"] = TestPasswordIterations.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Probe rounds write probe blobs and rows; only the monitoring tests turn them on.
            ["Madoguchi:Monitoring:Enabled"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            _settings[key] = value;
    }

    public TestDatabase Database { get; }

    /// <summary>The base address of the real Kestrel server (browser tests), or of the in-memory server.</summary>
    public Uri BaseAddress => _kestrel ? new Uri(ClientOptions.BaseAddress.ToString()) : Server.BaseAddress;

    /// <summary>Starts the app on a database of its own, set up with an operator (as the first-run setup does).</summary>
    /// <param name="emptyDatabase">Start on an empty database that the app's start-up migrates (for tests of migrations and
    /// of a first start) instead of a copy of one already at the current schema (<see cref="TestDatabase.CreateMigratedAsync"/>).</param>
    public static async Task<MadoguchiApp> StartAsync(DatabaseProvider provider, IDictionary<string, string?>? settings = null, bool kestrel = false, bool setUp = true,
        Action<IServiceCollection>? services = null, bool emptyDatabase = false)
    {
        var database = emptyDatabase ? await TestDatabase.CreateAsync(provider) : await TestDatabase.CreateMigratedAsync(provider);
        var app = new MadoguchiApp(database, settings, kestrel, services);
        return await app.StartCoreAsync(kestrel, setUp);
    }

    /// <summary>A second instance of the product on the database (and data folder) of <paramref name="first"/>, as when
    /// several app instances share one PostgreSQL. It does not delete the shared data when disposed.</summary>
    public static async Task<MadoguchiApp> StartBesideAsync(MadoguchiApp first, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var app = new MadoguchiApp(first.Database, settings, kestrel: false, services, ownsDatabase: false);
        return await app.StartCoreAsync(kestrel: false, setUp: false);
    }

    /// <summary>The product on an existing database and data folder (e.g. a copy restored from a backup), without first-run
    /// setup. It owns them: the data folder is deleted when disposed.</summary>
    public static async Task<MadoguchiApp> StartOnAsync(TestDatabase database, IDictionary<string, string?>? settings = null)
    {
        var app = new MadoguchiApp(database, settings, kestrel: false);
        return await app.StartCoreAsync(kestrel: false, setUp: false);
    }

    private async Task<MadoguchiApp> StartCoreAsync(bool kestrel, bool setUp)
    {
        var app = this;
        if (kestrel)
        {
            app.UseKestrel(0);
            app.StartServer();
        }
        else
        {
            _ = app.Server;
        }
        if (setUp)
            await app.SetUpInstallationAsync();
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Development resolves static web assets from the build output for browser tests.
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        if (_services is not null)
            builder.ConfigureTestServices(_services);
    }

    public async Task SetUpInstallationAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<SetupInstallationCommand>().HandleAsync(
            new SetupRequest(OperatorEmail, OperatorPassword, "Installation account", "first-owner@madoguchi.test", DefaultPassword, "First", "Owner"),
            CancellationToken.None);
        if (!result.Succeeded)
            throw new InvalidOperationException(result.Error!.Message);
        await EnrolOperatorTotpAsync(OperatorEmail);
    }

    /// <summary>Enrols the operator's authenticator with <see cref="OperatorTotpSecret"/>, as confirming the enrolment page
    /// would (the enrolment itself is tested through the page).</summary>
    public Task EnrolOperatorTotpAsync(string email) => WithDbAsync(async db =>
    {
        var protector = Services.GetRequiredService<TotpSecretProtector>();
        var op = await db.Operators.SingleAsync(o => o.NormalizedEmail == Emails.Normalize(email));
        op.ProtectedTotpSecret = protector.Protect(Base32.Decode(OperatorTotpSecret));
        op.ProtectedPendingTotpSecret = null;
        op.TotpEnabledAt = DateTime.UtcNow;
        op.LastTotpStep = null;
        await db.SaveChangesAsync();
        return 0;
    });

    /// <summary>The operator's current authenticator code. A code is accepted once, and tests sign the operator in many times
    /// within one 30-second step, so the record of the last used step is cleared first (a test-only shortcut).</summary>
    public async Task<string> OperatorCodeAsync()
    {
        await WithDbAsync(db => db.Operators.Where(o => o.NormalizedEmail == Emails.Normalize(OperatorEmail))
            .ExecuteUpdateAsync(u => u.SetProperty(o => o.LastTotpStep, (long?)null)));
        return Totp.Code(Base32.Decode(OperatorTotpSecret), Totp.StepAt(DateTimeOffset.UtcNow));
    }

    /// <summary>A new account with one active owner; every test works in its own account.</summary>
    public async Task<TestAccount> CreateAccountAsync(string? name = null)
    {
        var n = Interlocked.Increment(ref _sequence);
        var email = $"owner{n}.{Guid.NewGuid():N}@example.com";
        await using var scope = Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<CreateAccountCommand>().HandleAsync(Actor.ServerConsole(),
            new CreateAccountRequest(name ?? $"テスト株式会社 {n}", email, DefaultPassword, "窓口", $"オーナー{n}"), CancellationToken.None);
        if (!result.Succeeded)
            throw new InvalidOperationException(result.Error!.Message);
        return new TestAccount(this, result.Value!.AccountId, result.Value.Owner);
    }

    /// <summary>An HTTP client with its own cookie jar, not signed in. Like Madoguchi's own pages in a browser, it sends
    /// <c>Sec-Fetch-Site: same-origin</c>, which cookie-authenticated API calls that change data require; remove the
    /// header (or use <see cref="NewCrossSiteClient"/>) to act as another site.</summary>
    public HttpClient NewClient()
    {
        var client = NewCrossSiteClient();
        client.DefaultRequestHeaders.Add("Sec-Fetch-Site", "same-origin");
        return client;
    }

    /// <summary>An HTTP client with its own cookie jar that sends no same-origin proof (as a request from another site).</summary>
    public HttpClient NewCrossSiteClient() => CreateClient(new WebApplicationFactoryClientOptions
    {
        // New options start at http://localhost; with Kestrel the client must go to the real port.
        BaseAddress = BaseAddress,
        AllowAutoRedirect = false,
        HandleCookies = true,
    });

    /// <summary>Signs in through POST /api/v1/session and returns the signed-in client; throws when sign-in fails.</summary>
    public async Task<HttpClient> SignInAsync(string email, string password = DefaultPassword)
    {
        var client = NewClient();
        var response = await client.PostAsJsonAsync("/api/v1/session", new { email, password });
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"Sign-in of {email} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    /// <summary>Signs the operator in through POST /api/v1/operator/session with password and authenticator code.</summary>
    public async Task<HttpClient> SignInOperatorAsync()
    {
        var client = NewClient();
        await _operatorCodes.WaitAsync();
        try
        {
            var response = await client.PostAsJsonAsync("/api/v1/operator/session", new { email = OperatorEmail, password = OperatorPassword, code = await OperatorCodeAsync() });
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"Operator sign-in answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        finally
        {
            _operatorCodes.Release();
        }
        return client;
    }

    /// <summary>A client that authenticates with a fresh personal API token of the user (no password hashing, so it is fast).</summary>
    public async Task<HttpClient> TokenClientAsync(UserView user)
    {
        await using var scope = Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<CreateApiTokenCommand>()
            .HandleAsync(Actor.User(user.Id, await AccountOfAsync(user.Id), user.Email, null), "test", CancellationToken.None);
        if (!result.Succeeded)
            throw new InvalidOperationException(result.Error!.Message);
        var client = NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", result.Value!.Secret);
        return client;
    }

    /// <summary>Locks a user as five wrong passwords would, without spending the time on them (for tests about what follows a lock).</summary>
    public Task LockAsync(Guid userId) => WithDbAsync(async db =>
    {
        var user = await db.Users.SingleAsync(u => u.Id == userId);
        user.State = UserState.Locked;
        user.LockedAt = DateTime.UtcNow;
        user.FailedSignInCount = 5;
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        await db.SaveChangesAsync();
        return 0;
    });

    private Task<Guid> AccountOfAsync(Guid userId) => WithDbAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.AccountId).SingleAsync());

    /// <summary>Runs code against the app's services, for arranging or checking state the API does not show.</summary>
    public async Task<T> WithDbAsync<T>(Func<MadoguchiDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>());
    }

    /// <summary>Leaves the data folder behind when disposed, for a caller that deletes it later (the receiving benchmark
    /// deletes every run's files at its end: on a file system without a journal, ext4 makes new files skip the inodes
    /// deleted in the last minutes, so a run right after a large delete would pay for the one before it).</summary>
    public bool KeepDataFolder { get; set; }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _operatorCodes.Dispose();
        if (!_ownsDatabase || KeepDataFolder)
        {
            GC.SuppressFinalize(this);
            return;
        }
        try
        {
            Directory.Delete(Database.DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS to clean with the temp folder.
        }
        GC.SuppressFinalize(this);
    }
}
