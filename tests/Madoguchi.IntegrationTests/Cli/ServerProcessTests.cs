using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;

namespace Madoguchi.IntegrationTests.Cli;

/// <summary>The real binary: <c>setup</c> in a folder, then the server started in the same folder finds what setup made.</summary>
public sealed class ServerProcessTests
{
    // A readiness wait, not a time limit: the Debug build JIT-compiles every method at its first call, and on a busy 2-core
    // machine setup and the server's start-up took more than a minute each.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SetupThenServer_InTheSameFolder_UseTheSameDataAndTheOwnerSignsInOverHttp(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var folder = database.DataDirectory;
        var environment = new Dictionary<string, string>();
        if (provider == DatabaseProvider.Postgres)
        {
            environment["MADOGUCHI_DATABASE__PROVIDER"] = "Postgres";
            environment["MADOGUCHI_DATABASE__CONNECTIONSTRING"] = database.ConnectionString;
        }
        try
        {
            var (exit, output, error) = await RunToEndAsync(folder, environment, "ops-password-1\nowner-password-1\n",
                "setup", "--operator-email", "ops@example.com", "--account-name", "Process test", "--owner-email", "owner@example.com");
            Assert.True(exit == 0, $"setup exited {exit}: {output}\n{error}");
            if (provider == DatabaseProvider.Sqlite)
                Assert.True(File.Exists(Path.Combine(folder, "data", "madoguchi.db")), "setup did not write ./data/madoguchi.db in its working folder");

            var port = FreePort.Get();
            using var server = Start(folder, environment, "--urls", $"http://127.0.0.1:{port}");
            try
            {
                using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                await WaitUntilReadyAsync(client, server);
                var response = await client.PostAsJsonAsync("/api/v1/session", new { email = "owner@example.com", password = "owner-password-1" });
                var owner = await response.ReadAsync<UserView>();
                Assert.True(owner.IsOwner);
                Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("madoguchi_session=", StringComparison.Ordinal));
            }
            finally
            {
                Stop(server);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("user", "list")]
    [InlineData("parcels", "analyze", "x")]
    [InlineData("--urls", "http://127.0.0.1:1", "usres", "list")]
    public async Task UnknownFirstWord_PrintsUsageAndExits2_AndNeverStartsTheServer(params string[] args)
    {
        var folder = Directory.CreateTempSubdirectory("madoguchi-cli-").FullName;
        try
        {
            var (exit, output, error) = await RunToEndAsync(folder, [], "", args);

            Assert.True(exit == 2, $"exited {exit}: {output}\n{error}");
            Assert.Contains("Usage:", error, StringComparison.Ordinal);
            Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
            // Nothing was opened: no database, no data folder.
            Assert.False(Directory.Exists(Path.Combine(folder, "data")), "the usage error created ./data");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The binary's runtime settings keep the server collector with the memory target the import's peak was
    /// measured with (Madoguchi.Web.csproj; bench/README.md): a project change that drops it would raise the peak of a large
    /// first import without any test noticing, since no test asserts memory.</summary>
    [Fact]
    public void TheBinary_RunsTheServerCollector_WithTheMeasuredTarget()
    {
        var config = Path.ChangeExtension(WebDll(), ".runtimeconfig.json");
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(config));
        var properties = json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.GetProperty("System.GC.Server").GetBoolean(), "the server collector is off");
        Assert.Equal(10, properties.GetProperty("System.GC.DTargetTCP").GetInt32());
    }

    private static string WebDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        // …/tests/Madoguchi.IntegrationTests/bin/<Configuration>/net10.0/
        var configuration = dir.Parent!.Name;
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Madoguchi.slnx")))
            dir = dir.Parent;
        Assert.NotNull(dir);
        var dll = Path.Combine(dir.FullName, "src", "Madoguchi.Web", "bin", configuration, "net10.0", "Madoguchi.Web.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution first.");
        return dll;
    }

    private static Process Start(string folder, Dictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(WebDll());
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
    }

    private static async Task<(int Exit, string Output, string Error)> RunToEndAsync(string folder, Dictionary<string, string> environment, string stdin, params string[] args)
    {
        using var process = Start(folder, environment, args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            Stop(process);
            throw;
        }
        return (process.ExitCode, await output, await error);
    }

    private static async Task WaitUntilReadyAsync(HttpClient client, Process server)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(server.HasExited, $"the server exited with {(server.HasExited ? server.ExitCode : 0)}: {(server.HasExited ? await server.StandardError.ReadToEndAsync() : "")}");
            try
            {
                if ((await client.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        Assert.Fail("the server did not become ready in time");
    }

    /// <summary>Stops the process this test started, by its id.</summary>
    private static void Stop(Process process)
    {
        if (process.HasExited)
            return;
        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
    }
}
