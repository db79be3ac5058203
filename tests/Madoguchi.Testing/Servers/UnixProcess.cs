using System.Globalization;
using System.Runtime.InteropServices;

namespace Madoguchi.Testing.Servers;

/// <summary>Signals, liveness and ownership for processes we start, always addressed by PID.</summary>
internal static class UnixProcess
{
    public const int SigKill = 9;
    public const int SigInt = 2;
    public const int SigQuit = 3;
    public const int SigTerm = 15;

    public static void Signal(int pid, int signal) => _ = NativeMethods.Kill(pid, signal);

    /// <summary>True while the PID names a running process (a zombie counts as gone).</summary>
    public static bool IsAlive(int pid) => ReadStat(pid) is { } stat && stat.State != 'Z';

    /// <summary>"pid:start-ticks": stays unique even when the kernel reuses the PID later.</summary>
    public static string? Identity(int pid) =>
        ReadStat(pid) is { } stat && stat.State != 'Z'
            ? string.Create(CultureInfo.InvariantCulture, $"{pid}:{stat.StartTicks}")
            : null;

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>Direct children of <paramref name="parentPid"/> with their short command names.</summary>
    public static IReadOnlyList<(int Pid, string Name)> Children(int parentPid)
    {
        var children = new List<(int, string)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid)
                && ReadStat(pid) is { } stat && stat.ParentPid == parentPid && stat.State != 'Z')
            {
                children.Add((pid, stat.Name));
            }
        }

        return children;
    }

    public static async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Blocking variant for ProcessExit handlers, where awaiting is not possible.</summary>
    public static bool WaitForExit(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsAlive(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(20);
        }

        return true;
    }

    public static void ChangeOwner(string path, int uid, int gid)
    {
        if (NativeMethods.Chown(path, uid, gid) != 0)
        {
            throw new IOException($"chown {uid}:{gid} {path} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    private sealed record Stat(string Name, char State, int ParentPid, string StartTicks);

    private static Stat? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // The name sits in parentheses and may itself contain spaces or parentheses.
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var close = text.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return null;
        }

        var rest = text[(close + 2)..].Split(' ');
        // rest[0] = state (field 3), rest[1] = ppid (field 4), rest[19] = starttime (field 22).
        return rest.Length < 20
            ? null
            : new Stat(text[(open + 1)..close], rest[0][0], int.Parse(rest[1], CultureInfo.InvariantCulture), rest[19]);
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);

        [DllImport("libc", EntryPoint = "chown", SetLastError = true)]
        public static extern int Chown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);
    }
}
