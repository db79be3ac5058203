using System.Runtime.InteropServices;
using Madoguchi.Core.Runtime;

namespace Madoguchi.Tests.Runtime;

[CollectionDefinition(nameof(NativeHeapTests), DisableParallelization = true)]
public sealed class NativeHeapCollection;

/// <summary>On glibc (the Debian machines this runs on) the trim really gives freed native memory back: measured in the
/// process's own anonymous memory, with no other test running meanwhile.</summary>
[Collection(nameof(NativeHeapTests))]
public class NativeHeapTests
{
    [Fact]
    public void Trim_GivesMemoryFreedInTheMiddleOfTheHeapBackToTheSystem()
    {
        const int Blocks = 20_000, Size = 4096, KeepEvery = 64;
        var blocks = new nint[Blocks];
        var filler = Enumerable.Repeat((byte)0x5A, Size).ToArray();
        for (var i = 0; i < Blocks; i++)
        {
            // malloc, written to so that its pages are really in memory.
            blocks[i] = Marshal.AllocHGlobal(Size);
            Marshal.Copy(filler, 0, blocks[i], Size);
        }
        // Freed between blocks still in use: glibc keeps such holes (~78 MB here) until they are reused or trimmed.
        for (var i = 0; i < Blocks; i++)
        {
            if (i % KeepEvery != 0)
            {
                Marshal.FreeHGlobal(blocks[i]);
                blocks[i] = 0;
            }
        }
        try
        {
            var before = AnonymousKilobytes();
            Assert.True(NativeHeap.Trim());
            var after = AnonymousKilobytes();
            Assert.True(before - after > 40_000, $"anonymous memory {before} kB before the trim, {after} kB after");
        }
        finally
        {
            foreach (var block in blocks.Where(b => b != 0))
                Marshal.FreeHGlobal(block);
        }
    }

    [Fact]
    public void LimitArenas_IsAcceptedByTheAllocator() => Assert.True(NativeHeap.LimitArenas());

    private static long AnonymousKilobytes() =>
        long.Parse(File.ReadLines("/proc/self/status").Single(l => l.StartsWith("RssAnon:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
}
