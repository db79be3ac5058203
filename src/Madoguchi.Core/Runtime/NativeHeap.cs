using System.Runtime.InteropServices;

namespace Madoguchi.Core.Runtime;

/// <summary>The C allocator's heap (glibc on Linux), which SQLite, ICU and the runtime itself allocate from. glibc keeps
/// memory freed in the middle of its heaps and gives each busy thread an arena of its own (up to eight per core), so a
/// long import left tens of megabytes of freed native memory in the process (measured: a 100,000-message import gave
/// back 21–23 MB at each <c>malloc_trim</c>). Elsewhere (musl, macOS, Windows) both calls do nothing.</summary>
public static partial class NativeHeap
{
    /// <summary>Arenas the C allocator may make (glibc's default is eight per core).</summary>
    public const int MaxArenas = 2;

    private const int MallocArenaMax = -8;

    private static int _unavailable;

    /// <summary>Limits the arenas; call first thing in the process, before many threads have allocated.</summary>
    public static bool LimitArenas() => Call(() => MallOpt(MallocArenaMax, MaxArenas) == 1);

    /// <summary>Gives freed native memory back to the system; false where there is no glibc.</summary>
    public static bool Trim() => Call(() =>
    {
        MallocTrim(0);
        return true;
    });

    private static bool Call(Func<bool> call)
    {
        if (!OperatingSystem.IsLinux() || Volatile.Read(ref _unavailable) == 1)
            return false;
        try
        {
            return call();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref _unavailable, 1);
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
