using System.Globalization;

namespace Madoguchi.Testing.Servers;

/// <summary>
/// A fresh folder under /var/tmp holding one server's config, data, sockets and logs.
/// It records who owns it (this test process) and which server PID runs from it, so that
/// the server is stopped when this process exits, and a later run can stop servers that a
/// crashed (killed) run left behind.
/// </summary>
internal sealed class ServerDirectory
{
    private const string Prefix = "mdg-";
    private const string OwnerFile = "owner";
    private const string ServerPidFile = "server.pid";
    private static readonly Lock SweepGate = new();
    private static bool swept;

    private ServerDirectory(string path) => Path = path;

    public string Path { get; }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    /// <summary>Creates /var/tmp/mdg-&lt;kind&gt;-&lt;random&gt; (short, so socket paths stay under the 108-byte limit).</summary>
    public static ServerDirectory Create(string kind)
    {
        SweepStaleOnce();
        var path = System.IO.Path.Combine("/var/tmp", $"{Prefix}{kind}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(path);
        // World-traversable: the mail user, Dovecot's own users and postgres all reach in here.
        MakeWorldTraversable(path);
        File.WriteAllText(System.IO.Path.Combine(path, OwnerFile), UnixProcess.Identity(Environment.ProcessId));
        var directory = new ServerDirectory(path);
        ProcessExitCleanup.Register(directory.StopServerAndDelete);
        return directory;
    }

    public static void MakeWorldTraversable(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The test servers run on Linux (Debian packages).");
        }

        File.SetUnixFileMode(path, WorldReadableDirectory);
    }

    private static UnixFileMode WorldReadableDirectory =>
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public string CreateSubdirectory(string relative)
    {
        var path = this[relative];
        Directory.CreateDirectory(path);
        MakeWorldTraversable(path);
        return path;
    }

    /// <summary>Remembers the running server and the signal that stops it cleanly.</summary>
    public void RecordServer(int pid, int stopSignal) =>
        File.WriteAllText(this[ServerPidFile], string.Create(CultureInfo.InvariantCulture, $"{pid} {stopSignal}"));

    public void ForgetServer() => File.Delete(this[ServerPidFile]);

    /// <summary>Normal end of life: the fixture has already stopped its server.</summary>
    public void Delete()
    {
        ProcessExitCleanup.Unregister(StopServerAndDelete);
        DeleteQuietly(Path);
    }

    /// <summary>Last resort (process exit, stale sweep): signal the recorded PID, then delete.</summary>
    private void StopServerAndDelete()
    {
        StopRecordedServer(Path);
        DeleteQuietly(Path);
    }

    private static void StopRecordedServer(string path)
    {
        var pidFile = System.IO.Path.Combine(path, ServerPidFile);
        if (!File.Exists(pidFile))
        {
            return;
        }

        var parts = File.ReadAllText(pidFile).Split(' ');
        var pid = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var signal = int.Parse(parts[1], CultureInfo.InvariantCulture);
        // A reused PID would not mention our folder on its command line: leave it alone.
        if (!UnixProcess.IsAlive(pid) || !UnixProcess.CommandLine(pid).Contains(path, StringComparison.Ordinal))
        {
            return;
        }

        UnixProcess.Signal(pid, signal);
        if (!UnixProcess.WaitForExit(pid, TimeSpan.FromSeconds(10)))
        {
            UnixProcess.Signal(pid, UnixProcess.SigKill);
            UnixProcess.WaitForExit(pid, TimeSpan.FromSeconds(2));
        }
    }

    /// <summary>Stops servers of earlier test runs whose process no longer exists.</summary>
    private static void SweepStaleOnce()
    {
        lock (SweepGate)
        {
            if (swept)
            {
                return;
            }

            swept = true;
            foreach (var path in Directory.EnumerateDirectories("/var/tmp", Prefix + "*"))
            {
                if (IsOrphaned(path))
                {
                    StopRecordedServer(path);
                    DeleteQuietly(path);
                }
            }
        }
    }

    private static bool IsOrphaned(string path)
    {
        var ownerFile = System.IO.Path.Combine(path, OwnerFile);
        if (!File.Exists(ownerFile))
        {
            return false; // Not one of ours, or still being created.
        }

        var owner = File.ReadAllText(ownerFile);
        var ownerPid = int.Parse(owner.Split(':')[0], CultureInfo.InvariantCulture);
        return UnixProcess.Identity(ownerPid) != owner;
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A server that ignored its stop signal may still write here; the next sweep retries.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
