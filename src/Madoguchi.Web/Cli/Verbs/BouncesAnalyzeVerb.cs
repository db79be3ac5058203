using System.CommandLine;
using System.Text.Json;
using Madoguchi.Core.Bounces.Analysis;

namespace Madoguchi.Web.Cli.Verbs;

/// <summary><c>bounces analyze</c>: reads mail files (no database) and says, per file, whether it is a delivery failure
/// report and what it says. <c>--json</c> writes one object per line with the bounce corpus' field names.</summary>
internal sealed class BouncesAnalyzeVerb : AdminVerb
{
    private readonly Argument<string> _path = new("path") { Description = "A mail file (.eml, one message) or a folder of them." };
    private readonly Option<bool> _json = new("--json") { Description = "One JSON object per line: file, class, recipients [{address, status, replycode, reason, hardbounce, diagnostic}]." };

    public BouncesAnalyzeVerb()
        : base("bounces analyze", "Recognises delivery failure reports (bounces) in mail files and prints the failed recipients, "
            + "status codes and reasons. Needs no database. Exit code 1 when the path does not exist.")
    {
        Add(_path);
        Add(_json);
    }

    public override bool NeedsServices => false;

    public override async Task<int> RunAsync(AdminRun run, CancellationToken ct)
    {
        var path = run.Parse.GetValue(_path)!;
        string[] files;
        if (Directory.Exists(path))
            files = Directory.GetFiles(path).Where(f => !System.IO.Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal).ToArray();
        else if (File.Exists(path))
            files = [path];
        else
        {
            await run.Error.WriteLineAsync($"error: no such file or folder: {path}");
            return AdminCommandLine.Failed;
        }
        var reports = new BounceReport[files.Length];
        // Each file read once into a rented buffer and analysed in place (BounceAnalyzer.AnalyzeFile).
        await Parallel.ForAsync(0, files.Length, ct, (i, _) =>
        {
            reports[i] = BounceAnalyzer.AnalyzeFile(files[i]);
            return ValueTask.CompletedTask;
        });
        var json = run.Parse.GetValue(_json);
        var bounces = 0;
        for (var i = 0; i < files.Length; i++)
        {
            var report = reports[i];
            var name = System.IO.Path.GetFileName(files[i]);
            if (report.IsBounce)
                bounces++;
            if (json)
            {
                await run.Output.WriteLineAsync(JsonSerializer.Serialize(new JsonLine(name, BounceClasses.Name(report.Class),
                    report.Recipients.Select(r => new JsonRecipient(r.Address, r.Status, r.ReplyCode, r.Reason, r.HardBounce, r.Diagnostic)).ToList()), Options));
                continue;
            }
            await run.Output.WriteLineAsync($"{name}: {BounceClasses.Name(report.Class)}");
            foreach (var r in report.Recipients)
                await run.Output.WriteLineAsync($"  {r.Address}  {r.Status}  {(r.ReplyCode.Length > 0 ? r.ReplyCode + "  " : "")}{r.Reason}  {(r.HardBounce ? "hard" : "soft")}  {r.Diagnostic}");
        }
        if (!json)
            await run.Output.WriteLineAsync($"{files.Length} file(s), {bounces} bounce(s).");
        return AdminCommandLine.Succeeded;
    }

    private static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private sealed record JsonLine(
        [property: System.Text.Json.Serialization.JsonPropertyName("file")] string File,
        [property: System.Text.Json.Serialization.JsonPropertyName("class")] string Class,
        [property: System.Text.Json.Serialization.JsonPropertyName("recipients")] IReadOnlyList<JsonRecipient> Recipients);

    private sealed record JsonRecipient(
        [property: System.Text.Json.Serialization.JsonPropertyName("address")] string Address,
        [property: System.Text.Json.Serialization.JsonPropertyName("status")] string Status,
        [property: System.Text.Json.Serialization.JsonPropertyName("replycode")] string ReplyCode,
        [property: System.Text.Json.Serialization.JsonPropertyName("reason")] string Reason,
        [property: System.Text.Json.Serialization.JsonPropertyName("hardbounce")] bool HardBounce,
        [property: System.Text.Json.Serialization.JsonPropertyName("diagnostic")] string Diagnostic);
}
