using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Storage;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Runs every <see cref="IInboundStep"/> in order on originals, and marks them processed in one transaction.
/// Idempotent: a second run replaces the message the first one made. Two halves, so the batch runner can overlap them:
/// <see cref="PrepareAsync"/> (read, parse, attachment blobs) on all cores with no database, then <see cref="StoreAsync"/>
/// (threading, rows, storage use) in one transaction per batch.</summary>
public sealed class InboundPipeline(MadoguchiDbContext db, IBlobStore blobs, IEnumerable<IInboundStep> steps, PendingStorageUsage usage, TimeProvider time,
    IOptions<InboundPipelineOptions> options, ITicketChangeFeed feed, Telemetry.MadoguchiMetrics metrics)
{
    /// <summary>Rows the store steps add, principals first.</summary>
    private static readonly Type[] BulkInsertOrder = [typeof(Ticket), typeof(TicketMessage), typeof(TicketAttachment), typeof(Search.SearchDocument)];

    private readonly IInboundStep[] _steps = Ordered(steps);

    public IReadOnlyList<IInboundStep> Steps => _steps;

    /// <param name="originals">Originals (not tracked), in processing order, each with whether it may already have a
    /// message (false saves looking).</param>
    public async Task<IReadOnlyList<InboundMessage>> ProcessAsync(IReadOnlyList<(RawMessage Raw, bool MayHavePrevious)> originals, CancellationToken ct) =>
        await StoreAsync(await PrepareAsync(originals, ct), ct);

    public async Task<InboundMessage> ProcessAsync(RawMessage raw, bool mayHavePrevious, CancellationToken ct) =>
        (await ProcessAsync([(raw, mayHavePrevious)], ct))[0];

    /// <summary>Reads each original and runs the prepare steps, several originals at once (parsing is most of the CPU).
    /// Touches no database, so it may run while the previous batch is being stored.</summary>
    public async Task<IReadOnlyList<InboundMessage>> PrepareAsync(IReadOnlyList<(RawMessage Raw, bool MayHavePrevious)> originals, CancellationToken ct)
    {
        var prepare = _steps.Where(s => s.Phase == InboundStepPhase.Prepare).ToArray();
        var messages = new InboundMessage[originals.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.ParseParallelism ?? Environment.ProcessorCount, CancellationToken = ct };
        await Parallel.ForAsync(0, originals.Count, parallel, async (i, token) =>
        {
            var (raw, mayHavePrevious) = originals[i];
            var message = new InboundMessage(raw, await ReadAsync(raw.BlobHash, raw.Size, token)) { MayHavePrevious = mayHavePrevious };
            foreach (var step in prepare)
                await step.RunAsync(message, token);
            messages[i] = message;
        });
        // Each message sits at its original's index, so the order given survives any parallelism.
        // Blobs written by prepare steps become durable here, all at once, before any transaction can point at them.
        await blobs.SyncAsync(ct);
        return messages;
    }

    /// <summary>Runs the transaction steps on prepared messages in order, in one transaction with one SaveChanges.</summary>
    public async Task<IReadOnlyList<InboundMessage>> StoreAsync(IReadOnlyList<InboundMessage> messages, CancellationToken ct)
    {
        var transactionSteps = _steps.Where(s => s.Phase == InboundStepPhase.Transaction).ToArray();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await LoadPreviousAsync(messages, ct);
        foreach (var step in transactionSteps.OfType<IInboundBatchStep>())
            await step.BeforeBatchAsync(messages, ct);
        foreach (var message in messages)
        {
            foreach (var step in transactionSteps)
            {
                // Our own sent mail coming back in is already on its ticket: nothing more to do for it.
                if (message.IsOwnSentCopy)
                    break;
                await step.RunAsync(message, ct);
            }
        }
        // New rows as multi-row INSERTs (EF would send one statement per row); SaveChanges writes what is left.
        await BulkInsert.InsertAddedAsync(db, BulkInsertOrder, ct);
        // The bulk insert has just compared every tracked entity with its snapshot (~1,000 of them, milliseconds while
        // holding SQLite's only writer) and nothing changes them from here on: the saves below need not compare again.
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            await db.SaveChangesAsync(ct);
            await usage.FlushAsync(ct);
            var now = time.GetUtcNow().UtcDateTime;
            var ids = messages.Select(m => m.Raw.Id).ToList();
            await db.RawMessages.Where(r => ids.Contains(r.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(r => r.ProcessedAt, now)
                .SetProperty(r => r.ProcessingError, (string?)null), ct);
            await transaction.CommitAsync(ct);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
        // A bounce matched to a message we sent, counted once: a re-run (the message existed before) is not a new bounce.
        var bounced = messages.Count(m => m.BouncedMessage is not null && m.Previous is null);
        if (bounced > 0)
            metrics.MessagesBounced(bounced);
        // Open lists and tickets re-read once the mail is really there.
        foreach (var ticket in messages.Select(m => m.Ticket).OfType<Ticket>().DistinctBy(t => t.Id))
            await feed.PublishAsync(new TicketChange(ticket.AccountId, ticket.InboxId, ticket.Id, TicketChangeKind.MessageAdded), ct);
        return messages;
    }

    /// <summary>The messages earlier runs made from these originals, with their attachments, in one query.</summary>
    private async Task LoadPreviousAsync(IReadOnlyList<InboundMessage> messages, CancellationToken ct)
    {
        var ids = messages.Where(m => m.MayHavePrevious).Select(m => (Guid?)m.Raw.Id).ToList();
        if (ids.Count == 0)
            return;
        var previous = await db.TicketMessages.Include(m => m.Attachments).Where(m => ids.Contains(m.RawMessageId)).ToDictionaryAsync(m => m.RawMessageId!.Value, ct);
        foreach (var message in messages)
            message.Previous = previous.GetValueOrDefault(message.Raw.Id);
    }

    /// <summary>Prepare steps must all come before the first transaction step: they run before the transaction opens.</summary>
    private static IInboundStep[] Ordered(IEnumerable<IInboundStep> steps)
    {
        var ordered = steps.OrderBy(s => s.Order).ToArray();
        var firstTransaction = Array.FindIndex(ordered, s => s.Phase == InboundStepPhase.Transaction);
        if (firstTransaction >= 0 && ordered.Skip(firstTransaction).Any(s => s.Phase == InboundStepPhase.Prepare))
            throw new InvalidOperationException("An inbound prepare step is ordered after a transaction step.");
        return ordered;
    }

    /// <summary>One exact-size array per original: the parser and the steps share it without further copies. The bytes
    /// must be the original's (size and SHA-256): a damaged file is never parsed into a ticket as if it were the mail.</summary>
    private async Task<byte[]> ReadAsync(string hash, long size, CancellationToken ct)
    {
        byte[] bytes;
        try
        {
            await using var stream = blobs.OpenRead(hash);
            if (stream.CanSeek)
            {
                if (stream.Length != size)
                    throw new DamagedBlobException(hash, BlobCondition.WrongSize);
                bytes = new byte[size];
                // One synchronous read of a local file: an asynchronous one on Linux only hands the same read to another thread.
                stream.ReadExactly(bytes);
            }
            else
            {
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer, ct);
                bytes = buffer.ToArray();
            }
        }
        catch (FileNotFoundException)
        {
            throw new DamagedBlobException(hash, BlobCondition.Missing);
        }
        catch (DirectoryNotFoundException)
        {
            throw new DamagedBlobException(hash, BlobCondition.Missing);
        }
        if (bytes.Length != size)
            throw new DamagedBlobException(hash, BlobCondition.WrongSize);
        if (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) != hash)
            throw new DamagedBlobException(hash, BlobCondition.WrongContent);
        return bytes;
    }
}
