using System.CommandLine;
using Madoguchi.Core.Storage;

namespace Madoguchi.Web.Cli.Verbs;

internal sealed class StorageVerifyVerb : AdminVerb
{
    private readonly Option<bool> _fix = new("--fix") { Description = "Rewrite each drifting account's use to the recount (one audit entry per account)." };

    public StorageVerifyVerb()
        : base("storage verify", "Recounts every account's storage use from its stored originals (each once per account) and reports any drift. "
            + "Exit code 1 when a drift was found and not fixed.") => Add(_fix);

    public override async Task<int> RunAsync(AdminRun run, CancellationToken ct)
    {
        var fix = run.Parse.GetValue(_fix);
        var report = await run.Get<VerifyStorageUseCommand>().HandleAsync(AdminRun.Actor, fix, ct);
        var drifting = report.Where(r => r.HasDrift).ToList();
        foreach (var d in drifting)
        {
            run.Output.WriteLine($"account {d.AccountId} \"{d.AccountName}\": recorded {d.RecordedBytes} bytes / {d.RecordedOriginals} originals, "
                + $"recounted {d.ActualBytes} bytes / {d.ActualOriginals} originals, drift {d.DriftBytes:+#;-#;0} bytes"
                + (d.HoldersDiffer ? ", per-original counts differ" : "") + (d.Fixed ? ": fixed" : ""));
        }
        run.Output.WriteLine($"Checked {report.Count} account(s): {drifting.Count} with drift" + (fix ? $", {drifting.Count(d => d.Fixed)} fixed." : "."));
        return drifting.Count == 0 || fix ? 0 : 1;
    }
}
