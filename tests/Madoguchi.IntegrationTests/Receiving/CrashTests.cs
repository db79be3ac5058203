using System.Diagnostics;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;

namespace Madoguchi.IntegrationTests.Receiving;

/// <summary>The built Madoguchi.Web as a real separate process, killed with SIGKILL at random moments of an import.</summary>
[LongRunning]
public sealed class CrashTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Import_ProcessKilledAtRandomMoments_NothingLostNothingDuplicated(DatabaseProvider provider)
    {
        var mailbox = await TestMailbox.GetAsync(1000);
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverManyAsync(user.Name, mailbox.Messages);
        // The in-process app (no worker) sets up the account and reads the results; the child processes fetch.
        await using var scenario = await ReceivingScenario.StartAsync(provider);
        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user, new { useIdle = false }));
        var random = new Random(provider == DatabaseProvider.Sqlite ? 4711 : 815);

        var kills = 0;
        for (var round = 0; round < 4; round++)
        {
            var before = (await scenario.StoredAsync()).Count;
            using var child = StartChild(scenario.App.Database);
            // Kill once this run has made progress, at a random moment after that: mid-batch, mid-commit, anywhere.
            await WorkerTests.WaitAsync(async () => (await scenario.StoredAsync()).Count > before || child.HasExited, 60);
            await Task.Delay(random.Next(0, 600));
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
                kills++;
            }
            await child.WaitForExitAsync();
        }
        using (var last = StartChild(scenario.App.Database))
        {
            var finished = await WorkerTests.WaitAsync(async () => (await scenario.StoredAsync()).Count >= 1000, 120);
            last.Kill(entireProcessTree: true);
            await last.WaitForExitAsync();
            Assert.True(finished, $"only {(await scenario.StoredAsync()).Count} of 1000 stored");
        }

        Assert.True(kills >= 3, $"only {kills} kills landed during the import");
        await scenario.AssertStoredExactlyAsync(mailbox.Messages, mailbox.MessageIds);
    }

    private static Process StartChild(TestDatabase database)
    {
        var web = FindWebDll();
        var info = new ProcessStartInfo("dotnet") { ArgumentList = { web, "--urls", $"http://127.0.0.1:{FreePort.Get()}" }, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(web)! };
        info.Environment["MADOGUCHI_DATADIRECTORY"] = database.DataDirectory;
        info.Environment["MADOGUCHI_DATABASE__PROVIDER"] = database.Provider.ToString();
        info.Environment["MADOGUCHI_DATABASE__CONNECTIONSTRING"] = database.ConnectionString;
        info.Environment["MADOGUCHI_RECEIVING__WORKERENABLED"] = "true";
        info.Environment["MADOGUCHI_NETWORK__ALLOWLOOPBACK"] = "true"; // the test Dovecot is on 127.0.0.1
        info.Environment["MADOGUCHI_RECEIVING__BATCHSIZE"] = "25";
        info.Environment["MADOGUCHI_RECEIVING__MINPOLLSECONDS"] = "5";
        // A killed instance's lease must run out quickly for the next one to continue.
        info.Environment["MADOGUCHI_RECEIVING__LEASEDURATION"] = "00:00:05";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>src/Madoguchi.Web/bin/&lt;configuration&gt;/net10.0/Madoguchi.Web.dll of this checkout, built with the tests.</summary>
    internal static string FindWebDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent!.Name;
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Madoguchi.slnx")))
            root = root.Parent;
        var dll = Path.Combine(root!.FullName, "src", "Madoguchi.Web", "bin", configuration, "net10.0", "Madoguchi.Web.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build Madoguchi.Web first (dotnet build Madoguchi.slnx).", dll);
    }
}
