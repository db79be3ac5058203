using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Servers;
using Madoguchi.Testing.App;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Data;

/// <summary>Data Protection keys (mail passwords, session cookies) are encrypted with a key file that is not in the
/// database: a copy of the database alone reveals no password and forges no session.</summary>
public sealed class KeyFileTests
{
    private static readonly Dictionary<string, string?> Settings = new() { ["Madoguchi:Receiving:WorkerEnabled"] = "false" };

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CopiedDatabase_WithoutKeyFile_RevealsNoPasswordAndForgesNoSession(DatabaseProvider provider)
    {
        await using var first = await MadoguchiApp.StartAsync(provider, Settings);
        var account = await first.CreateAccountAsync();
        var owner = await account.SignInOwnerAsync();
        var inbox = await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "サポート", colour = "#1e88e5" })).Content.ReadFromJsonAsync<JsonElement>();
        var secret = $"mail-password-{Guid.NewGuid():N}";
        (await owner.PostAsJsonAsync($"/api/v1/inboxes/{inbox.GetProperty("id").GetGuid()}/receive-servers", new
        {
            protocol = "imap", host = "mail.example.test", port = 993, security = "tls", username = "support", password = secret, folders = new[] { "INBOX" },
        })).EnsureSuccessStatusCode();
        var cookie = await SessionCookieAsync(first, account.Owner.Email);

        // The keys in the database carry no secret in clear; the key file is readable by its owner only.
        var keys = await first.WithDbAsync(db => db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync());
        Assert.NotEmpty(keys);
        Assert.All(keys, xml => Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal));
        Assert.All(keys, xml => Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal));
        var keyFile = Path.Combine(first.Database.DataDirectory, "keys", "data-protection.key");
        Assert.True(File.Exists(keyFile));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal(secret, await StoredPasswordAsync(first));

        var backupWithKey = CopyOf(first.Database, keyFile);
        var databaseOnly = CopyOf(first.Database, keyFile: null);

        await using (var restored = await MadoguchiApp.StartOnAsync(backupWithKey, Settings))
        {
            Assert.Equal(secret, await StoredPasswordAsync(restored));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(backupWithKey.DataDirectory, "keys", "data-protection.key")));
            using var browser = CookieClient(restored, cookie);
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/me")).StatusCode);
        }
        await using (var stolen = await MadoguchiApp.StartOnAsync(databaseOnly, Settings))
        {
            await Assert.ThrowsAnyAsync<CryptographicException>(() => StoredPasswordAsync(stolen));
            using var browser = CookieClient(stolen, cookie);
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/me")).StatusCode);
        }
    }

    [Fact]
    public async Task KeyFromSetting_IsUsedInsteadOfAKeyFile()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var settings = new Dictionary<string, string?>(Settings) { ["Madoguchi:DataProtection:Key"] = key };
        await using var app = await MadoguchiApp.StartAsync(DatabaseProvider.Sqlite, settings);
        var protector = app.Services.GetRequiredService<ReceivePasswordProtector>();

        Assert.Equal("secret", protector.Unprotect(protector.Protect("secret")));
        Assert.False(File.Exists(Path.Combine(app.Database.DataDirectory, "keys", "data-protection.key")));
    }

    [Fact]
    public async Task InvalidKeySetting_StopsTheAppAtStart()
    {
        var settings = new Dictionary<string, string?>(Settings) { ["Madoguchi:DataProtection:Key"] = "too-short" };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => MadoguchiApp.StartAsync(DatabaseProvider.Sqlite, settings, setUp: false));

        Assert.Contains("Madoguchi:DataProtection:Key", error.ToString(), StringComparison.Ordinal);
    }

    private static Task<string> StoredPasswordAsync(MadoguchiApp app) => app.WithDbAsync(async db =>
    {
        var stored = await db.ReceiveServers.Select(s => s.ProtectedPassword).SingleAsync();
        return app.Services.GetRequiredService<ReceivePasswordProtector>().Unprotect(stored);
    });

    /// <summary>A backup as an operator would make it: the database (SQLite's online backup; PostgreSQL's rows stay where
    /// they are) in a new data folder, with or without the key file.</summary>
    private static TestDatabase CopyOf(TestDatabase database, string? keyFile)
    {
        var folder = Directory.CreateTempSubdirectory("madoguchi-restore-").FullName;
        var connectionString = database.ConnectionString;
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            connectionString = $"Data Source={Path.Combine(folder, "madoguchi.db")};Default Timeout=30";
            using var source = new SqliteConnection(database.ConnectionString + ";Pooling=False");
            using var target = new SqliteConnection(connectionString + ";Pooling=False");
            source.Open();
            target.Open();
            source.BackupDatabase(target);
        }
        if (keyFile is not null)
        {
            Directory.CreateDirectory(Path.Combine(folder, "keys"));
            var copy = Path.Combine(folder, "keys", "data-protection.key");
            File.Copy(keyFile, copy);
            // Restored with a loose mode, as a copy through another tool may leave it: the app tightens it again.
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        return new TestDatabase(database.Provider, connectionString, folder);
    }

    private static async Task<string> SessionCookieAsync(MadoguchiApp app, string email)
    {
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = app.BaseAddress, HandleCookies = false, AllowAutoRedirect = false });
        var response = await client.PostAsJsonAsync("/api/v1/session", new { email, password = MadoguchiApp.DefaultPassword });
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("madoguchi_session=", StringComparison.Ordinal));
    }

    private static HttpClient CookieClient(MadoguchiApp app, string cookie)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = app.BaseAddress, HandleCookies = false, AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }
}
