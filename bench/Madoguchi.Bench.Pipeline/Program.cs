using System.Diagnostics;
using System.Globalization;
using Madoguchi.Bench.Pipeline;
using Madoguchi.Core.Data;

// Stores N originals from a generated mailbox (gen-mailbox.py), then times only the inbound pipeline draining them.
// Usage: dotnet run -c Release --project bench/Madoguchi.Bench.Pipeline -- --mail DIR [-n 10000] [--runs 3] [--provider sqlite|postgres|both] [--parse-only]
var settings = BenchSettings.Parse(args);
var files = Directory.GetFiles(Path.Combine(settings.MailDirectory, "eml"), "*.eml").Order(StringComparer.Ordinal).Take(settings.Count).ToArray();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{files.Length} originals, {files.Sum(f => new FileInfo(f).Length) / 1024.0 / 1024.0:0.0} MB, {Environment.ProcessorCount} cores, .NET {Environment.Version}"));

if (settings.ParseOnly)
{
    ParseTiming.Run(files.Select(File.ReadAllBytes).ToArray());
    return;
}

foreach (var provider in settings.Providers)
{
    var results = new List<PipelineRun>();
    for (var run = 1; run <= settings.Runs; run++)
    {
        var result = await PipelineRun.ExecuteAsync(provider, files);
        results.Add(result);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{provider} run {run}: {result}"));
    }
    var median = results.OrderBy(r => r.Elapsed).ElementAt(results.Count / 2);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{provider} median of {results.Count}: {median.Elapsed.TotalSeconds:0.00} s, {median.MessagesPerSecond:0} messages/s, peak working set {median.PeakWorkingSetMb:0} MB"));
}

internal sealed record BenchSettings(string MailDirectory, int Count, int Runs, IReadOnlyList<DatabaseProvider> Providers, bool ParseOnly)
{
    public static BenchSettings Parse(string[] args)
    {
        string? mail = null;
        var count = 10_000;
        var runs = 3;
        var providers = new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };
        var parseOnly = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--mail": mail = args[++i]; break;
                case "-n": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--provider":
                    var p = args[++i];
                    providers = p == "both" ? providers : [Enum.Parse<DatabaseProvider>(p, ignoreCase: true)];
                    break;
                case "--parse-only": parseOnly = true; break;
                default: throw new ArgumentException($"Unknown argument {args[i]}");
            }
        }
        return new BenchSettings(mail ?? throw new ArgumentException("--mail DIR is required (see /work/shared/tools/README.md)."), count, runs, providers, parseOnly);
    }
}

/// <summary>Samples the process working set while the pipeline runs: the figure the 400 MB budget is about.</summary>
internal sealed class WorkingSetSampler
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public WorkingSetSampler() => _loop = SampleAsync();

    public long PeakBytes { get; private set; }

    private async Task SampleAsync()
    {
        using var process = Process.GetCurrentProcess();
        while (!_stop.IsCancellationRequested)
        {
            process.Refresh();
            PeakBytes = Math.Max(PeakBytes, process.WorkingSet64);
            try
            {
                await Task.Delay(20, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
