using System.Diagnostics;
using System.Globalization;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Receiving.Storage;
using Madoguchi.Core.Storage;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Bench.Pipeline;

/// <summary>One measured run on a fresh database: originals stored as the fetcher does (untimed), then the pipeline timed.</summary>
internal sealed record PipelineRun(TimeSpan Elapsed, int Count, PipelineRunCounts Counts, long PeakWorkingSet, int Gen2Collections, int Tickets)
{
    public double MessagesPerSecond => Count / Elapsed.TotalSeconds;

    public double PeakWorkingSetMb => PeakWorkingSet / 1024.0 / 1024.0;

    public static async Task<PipelineRun> ExecuteAsync(DatabaseProvider provider, string[] originals)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, new Dictionary<string, string?> { ["Madoguchi:InboundPipeline:RunWorker"] = "false" });
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        await StoreAsync(app, account.Id, inbox.Id, originals);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var gen2 = GC.CollectionCount(2);
        var clock = Stopwatch.StartNew();
        PipelineRunCounts counts;
        long peak;
        var sampler = new WorkingSetSampler();
        await using (var scope = app.Services.CreateAsyncScope())
            counts = await scope.ServiceProvider.GetRequiredService<ProcessPendingMessagesCommand>().HandleAsync(CancellationToken.None);
        clock.Stop();
        await sampler.DisposeAsync();
        peak = sampler.PeakBytes;
        var tickets = await app.WithDbAsync(db => db.Tickets.CountAsync(t => t.InboxId == inbox.Id));
        return new PipelineRun(clock.Elapsed, originals.Length, counts, peak, GC.CollectionCount(2) - gen2, tickets);
    }

    /// <summary>Blob first (fsynced), then the rows, as the fetcher does; parallel because it is not what is measured.</summary>
    private static async Task StoreAsync(MadoguchiApp app, Guid accountId, Guid inboxId, string[] originals)
    {
        var blobs = app.Services.GetRequiredService<IBlobStore>();
        var refs = new BlobRef[originals.Length];
        await Parallel.ForAsync(0, originals.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, ct) => refs[i] = await blobs.PutAsync(await File.ReadAllBytesAsync(originals[i], ct), ct));
        var start = DateTime.UtcNow.AddHours(-1);
        foreach (var chunk in Enumerable.Range(0, originals.Length).Chunk(2000))
        {
            await app.WithDbAsync(async db =>
            {
                db.ChangeTracker.AutoDetectChangesEnabled = false;
                foreach (var i in chunk)
                    db.RawMessages.Add(new RawMessage { AccountId = accountId, InboxId = inboxId, BlobHash = refs[i].Hash, Size = refs[i].Size, ReceivedAt = start.AddMilliseconds(i) });
                return await db.SaveChangesAsync();
            });
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Elapsed.TotalSeconds:0.00} s, {MessagesPerSecond:0} messages/s, peak working set {PeakWorkingSetMb:0} MB, gen2 GCs {Gen2Collections}, " +
        $"processed {Counts.Processed} (new {Counts.Created}, replaced {Counts.Replaced}, failed {Counts.Failed}), tickets {Tickets}");
}
