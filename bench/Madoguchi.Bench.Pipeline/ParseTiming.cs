using System.Diagnostics;
using System.Globalization;
using Madoguchi.Core.Receiving.Parsing;

namespace Madoguchi.Bench.Pipeline;

/// <summary>The parse step alone, one core and all cores: how much of the pipeline's time is CPU that parallelism can share.</summary>
internal static class ParseTiming
{
    public static void Run(byte[][] originals)
    {
        var parser = new MessageParser();
        foreach (var _ in originals.Take(200))
            parser.Parse(_);
        var clock = Stopwatch.StartNew();
        foreach (var original in originals)
            parser.Parse(original);
        Report("1 core", clock.Elapsed, originals.Length);
        clock.Restart();
        Parallel.ForEach(originals, original => parser.Parse(original));
        Report($"{Environment.ProcessorCount} cores", clock.Elapsed, originals.Length);
    }

    private static void Report(string how, TimeSpan elapsed, int count) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"parse only, {how}: {elapsed.TotalSeconds:0.00} s, {count / elapsed.TotalSeconds:0} messages/s"));
}
