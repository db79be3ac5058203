using System.Diagnostics;
using System.Text.Json;
using Madoguchi.Core.Bounces.Analysis;
using MimeKit;

// Steady-state bounce analysis: one long-lived process reads and analyses every mail file of a folder, round after round,
// on one thread (as Sisimai does), and prints each round's wall and CPU seconds. Start-up and the first (JIT) round are
// not in the figures: bench/bounces/run.sh measures those separately with the published CLI.
// Usage: Madoguchi.Bench.Bounces <folder> [rounds=5] [--parse-only] | <folder> --dump (the results as JSON lines, to compare)
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Madoguchi.Bench.Bounces <folder> [rounds=5] [--parse-only]");
    return 2;
}
var files = Directory.GetFiles(args[0]).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToArray();
var rounds = args.Length > 1 && int.TryParse(args[1], out var r) ? r : 5;
var parseOnly = args.Contains("--parse-only");
var process = Process.GetCurrentProcess();
if (args.Contains("--dump"))
{
    foreach (var file in files)
    {
        var report = BounceAnalyzer.AnalyzeFile(file);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            file = Path.GetFileName(file),
            @class = BounceClasses.Name(report.Class),
            recipients = report.Recipients.Select(x => new { address = x.Address, status = x.Status, replycode = x.ReplyCode, reason = x.Reason, hardbounce = x.HardBounce, diagnostic = x.Diagnostic }),
        }));
    }
    return 0;
}

int Round()
{
    var bounces = 0;
    foreach (var file in files)
    {
        if (parseOnly)
        {
            var bytes = File.ReadAllBytes(file);
            using var stream = new MemoryStream(bytes, writable: false);
            try
            {
                bounces += MimeMessage.Load(stream).Headers.Count > 0 ? 1 : 0;
            }
            catch (FormatException)
            {
            }
        }
        // As `bounces analyze` does: the file read once into a rented buffer and analysed in place.
        else if (BounceAnalyzer.AnalyzeFile(file).IsBounce)
        {
            bounces++;
        }
    }
    return bounces;
}

// Warm-up round: JIT and first-use costs, not counted.
var found = Round();
Console.WriteLine($"files {files.Length} bounces {found} (warm-up round not counted)");
for (var i = 1; i <= rounds; i++)
{
    process.Refresh();
    var cpu = process.TotalProcessorTime;
    var allocated = GC.GetTotalAllocatedBytes(precise: true);
    var pause = GC.GetTotalPauseDuration();
    var collections = GC.CollectionCount(0);
    var wall = Stopwatch.StartNew();
    Round();
    wall.Stop();
    process.Refresh();
    // After the two figures run.sh reads: what the pass allocated and the garbage collector's share of it.
    Console.WriteLine($"round {i} wall {wall.Elapsed.TotalSeconds:F3} cpu {(process.TotalProcessorTime - cpu).TotalSeconds:F3}"
        + $" allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0:F1} MiB gc {GC.CollectionCount(0) - collections}"
        + $" pause {(GC.GetTotalPauseDuration() - pause).TotalSeconds:F3}");
}
return 0;
