using System.CommandLine;
using System.Diagnostics;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Receiving.Pipeline;

namespace Madoguchi.Web.Cli.Verbs;

internal sealed class MessagesReprocessVerb : AdminVerb
{
    private readonly Option<string> _inbox = new("--inbox") { Description = "Only this inbox, by id or name. Default: every inbox.", HelpName = "id|name" };

    public MessagesReprocessVerb()
        : base("messages reprocess", "Re-runs the inbound pipeline on every stored original; replaces, never duplicates. "
            + "Exit code 1 when any message failed.") => Add(_inbox);

    public override async Task<int> RunAsync(AdminRun run, CancellationToken ct)
    {
        Guid? inboxId = null;
        var label = "every inbox";
        if (run.Parse.GetValue(_inbox) is { } inbox)
        {
            var found = await run.Get<ResolveInboxQuery>().HandleAsync(inbox, ct);
            if (!found.Succeeded)
                return Fail(run, found.Error!);
            inboxId = found.Value!.Id;
            label = $"inbox \"{found.Value.Name}\" ({found.Value.Id})";
        }
        var started = Stopwatch.StartNew();
        var counts = await run.Get<ReprocessMessagesCommand>().HandleAsync(inboxId, ct);
        run.Output.WriteLine($"Reprocessed {counts.Processed} message(s) of {label} in {started.Elapsed.TotalSeconds:0.0} s: "
            + $"{counts.Replaced} replaced, {counts.Created} new, {counts.Failed} failed.");
        return counts.Failed == 0 ? 0 : 1;
    }
}
