using System.CommandLine;
using System.Diagnostics;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Search;

namespace Madoguchi.Web.Cli.Verbs;

internal sealed class SearchReindexVerb : AdminVerb
{
    private readonly Option<string> _inbox = new("--inbox") { Description = "Only this inbox, by id or name. Default: every inbox.", HelpName = "id|name" };

    public SearchReindexVerb()
        : base("search reindex", "Rebuilds the search index from the stored messages, replacing each message's entry in place "
            + "(search keeps working meanwhile); prints progress.") => Add(_inbox);

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
        var lastShown = TimeSpan.Zero;
        var progress = new SynchronousProgress(p =>
        {
            // Every batch would be too chatty on a large index: about once a second, and the last one.
            if (p.Done != p.Total && p.Done != 0 && started.Elapsed - lastShown < TimeSpan.FromSeconds(1))
                return;
            lastShown = started.Elapsed;
            run.Output.WriteLine($"Indexed {p.Done} of {p.Total} message(s)…");
        });
        var count = await run.Get<ReindexCommand>().HandleAsync(inboxId, progress, ct);
        run.Output.WriteLine($"Reindexed {count} message(s) of {label} in {started.Elapsed.TotalSeconds:0.0} s.");
        return 0;
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and print out of order).</summary>
    private sealed class SynchronousProgress(Action<ReindexProgress> report) : IProgress<ReindexProgress>
    {
        public void Report(ReindexProgress value) => report(value);
    }
}
