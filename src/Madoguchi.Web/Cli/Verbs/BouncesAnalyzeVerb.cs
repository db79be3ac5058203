using System.Buffers;
using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
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
        // Written out once at the end, not one console write per file.
        var output = new StringBuilder();
        var newLine = run.Output.NewLine;
        var lines = json ? new JsonLines() : null;
        var bounces = 0;
        for (var i = 0; i < files.Length; i++)
        {
            var report = reports[i];
            var name = System.IO.Path.GetFileName(files[i]);
            if (report.IsBounce)
                bounces++;
            if (lines is not null)
            {
                lines.Write(output, name, report, newLine);
                continue;
            }
            output.Append(name).Append(": ").Append(BounceClasses.Name(report.Class)).Append(newLine);
            foreach (var r in report.Recipients)
                output.Append(run.Output.FormatProvider, $"  {r.Address}  {r.Status}  {(r.ReplyCode.Length > 0 ? r.ReplyCode + "  " : "")}{r.Reason}  {(r.HardBounce ? "hard" : "soft")}  {r.Diagnostic}").Append(newLine);
        }
        if (!json)
            output.Append(run.Output.FormatProvider, $"{files.Length} file(s), {bounces} bounce(s).").Append(newLine);
        await run.Output.WriteAsync(output.ToString());
        return AdminCommandLine.Succeeded;
    }

    /// <summary>One JSON object per line, written with <see cref="Utf8JsonWriter"/> directly: the same bytes as
    /// serialising a record per line (properties in this order, the same relaxed escaping), without the serializer's
    /// start-up (reflection over the types, code generated at run time), which weighed on a one-off run.</summary>
    private sealed class JsonLines
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();
        private readonly Utf8JsonWriter _writer;

        public JsonLines() => _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        public void Write(StringBuilder output, string file, BounceReport report, string newLine)
        {
            _buffer.ResetWrittenCount();
            _writer.Reset();
            _writer.WriteStartObject();
            _writer.WriteString("file", file);
            _writer.WriteString("class", BounceClasses.Name(report.Class));
            _writer.WriteStartArray("recipients");
            foreach (var r in report.Recipients)
            {
                _writer.WriteStartObject();
                _writer.WriteString("address", r.Address);
                _writer.WriteString("status", r.Status);
                _writer.WriteString("replycode", r.ReplyCode);
                _writer.WriteString("reason", r.Reason);
                _writer.WriteBoolean("hardbounce", r.HardBounce);
                _writer.WriteString("diagnostic", r.Diagnostic);
                _writer.WriteEndObject();
            }
            _writer.WriteEndArray();
            _writer.WriteEndObject();
            _writer.Flush();
            output.Append(Encoding.UTF8.GetString(_buffer.WrittenSpan)).Append(newLine);
        }
    }
}
