using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Servers;
using Madoguchi.Core.Receiving.Storage;
using Madoguchi.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>Counts of one fetch pass.</summary>
public sealed class FetchCounts
{
    public int Stored;
    public int Duplicates;
    public int Issues;
    public int DeletedOnServer;
}

/// <summary>One fetch pass of one receive server: what the fetchers need (connection, options, blob store) and the
/// commits that make an original count as received. Every commit writes the RawMessage rows and the server position
/// in one transaction; the blobs they point at were made durable before.</summary>
public sealed class FetchContext(
    ReceiveServer server,
    ServerConnection connection,
    ReceivingOptions options,
    MadoguchiDbContext db,
    IBlobStore blobs,
    InboundSignal signal,
    TimeProvider time,
    ILogger logger,
    Telemetry.MadoguchiMetrics metrics)
{
    private const int CommitAttempts = 4;

    /// <summary>Rows a fetch batch adds, principals first.</summary>
    private static readonly Type[] BulkInsertOrder = [typeof(RawMessage), typeof(Pop3SeenMessage)];

    public ReceiveServer Server { get; } = server;
    public ServerConnection Connection { get; } = connection;
    public ReceivingOptions Options { get; } = options;
    public CertificateObservation Certificate { get; } = new();
    public FetchCounts Counts { get; } = new();
    public ILogger Logger { get; } = logger;
    public TimeProvider Time { get; } = time;

    /// <summary>The mailbox this pass fetches from; every commit checks it is still the server's.</summary>
    public int Generation { get; private set; } = server.MailboxGeneration;

    private long _progressTotal;
    private long _progressDone;

    /// <summary>Stores one fetched original (durable at the batch's sync). A store failure is this message's alone
    /// (<see cref="MessageStorageException"/>: set aside, the others keep coming) only while the store still takes other
    /// bytes; when a small probe write fails too, the data folder itself is at fault (disk full, not writable) and the
    /// pass stops with <c>storage_failed</c>, so nothing is set aside for a fault of the installation.</summary>
    public async Task<FetchedOriginal> StoreBlobAsync(Stream stream, string? uidl, long? uid, CancellationToken ct)
    {
        try
        {
            return await MessageIdReader.StoreAsync(blobs, stream, uidl, uid, ct);
        }
        catch (MessageStorageException e)
        {
            if (await StoreTakesOtherBytesAsync(ct))
                throw;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException!);
            throw;
        }
    }

    /// <summary>As <see cref="StoreBlobAsync"/>, but a failure of the store for this message alone gives no original and
    /// the store's reason instead, so the fetcher sets the message aside (<see cref="ReceiveErrorCode.MessageNotStored"/>)
    /// and goes on with the others.</summary>
    public async Task<(FetchedOriginal? Original, string? NotStored)> TryStoreBlobAsync(Stream stream, string? uidl, long? uid, CancellationToken ct)
    {
        try
        {
            return (await StoreBlobAsync(stream, uidl, uid, ct), null);
        }
        catch (MessageStorageException e)
        {
            return (null, e.Message);
        }
    }

    private Task<bool> IsStillThisMailboxAsync(CancellationToken ct) =>
        db.ReceiveServers.AnyAsync(s => s.Id == Server.Id && s.MailboxGeneration == Generation, ct);

    private static readonly byte[] StoreProbe = "Madoguchi blob store probe\n"u8.ToArray();

    private async Task<bool> StoreTakesOtherBytesAsync(CancellationToken ct)
    {
        try
        {
            await blobs.PutAsync(StoreProbe, ct);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Adds a folder (or a POP3 maildrop) to the progress: <paramref name="onServer"/> messages, of which <paramref name="waiting"/> are not stored yet.</summary>
    public async Task AddToProgressAsync(long onServer, long waiting, CancellationToken ct)
    {
        _progressTotal += onServer;
        _progressDone += onServer - waiting;
        await WriteProgressAsync(ct);
    }

    public async Task<ImapFolderState?> GetImapStateAsync(string folder, CancellationToken ct) =>
        await db.ImapFolderStates.AsNoTracking().SingleOrDefaultAsync(s => s.ReceiveServerId == Server.Id && s.Folder == folder, ct);

    public async Task<HashSet<string>> LoadSeenUidlsAsync(CancellationToken ct) =>
        (await db.Pop3SeenMessages.AsNoTracking().Where(s => s.ReceiveServerId == Server.Id).Select(s => s.Uidl).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Records a batch of IMAP originals and advances the folder's position to <paramref name="lastUid"/>, atomically,
    /// with the messages the server refused (kept as <see cref="ReceiveRetry"/> rows) and the retries now over.</summary>
    public Task CommitImapAsync(string folder, long uidValidity, long lastUid, IReadOnlyList<FetchedOriginal> items, IReadOnlyList<FetchIssue> issues,
        CancellationToken ct, IReadOnlyList<RefusalDraft>? refusals = null, IReadOnlyList<string>? gone = null) =>
        CommitAsync(items, issues, new RetryChanges(refusals ?? [], gone ?? []), ct, imap: (folder, uidValidity, lastUid));

    /// <summary>Records a batch of POP3 originals; their UIDLs (stored or duplicate) become the position.</summary>
    public Task CommitPop3Async(IReadOnlyList<FetchedOriginal> items, IReadOnlyList<FetchIssue> issues, CancellationToken ct,
        IReadOnlyList<RefusalDraft>? refusals = null, IReadOnlyList<string>? gone = null) =>
        CommitAsync(items, issues, new RetryChanges(refusals ?? [], gone ?? []), ct, imap: null);

    /// <summary>Waiting retries of this server (of one IMAP folder, or the POP3 maildrop when <paramref name="folder"/> is null).</summary>
    public async Task<List<ReceiveRetry>> OpenRetriesAsync(string? folder, CancellationToken ct) =>
        await db.ReceiveRetries.AsNoTracking()
            .Where(r => r.ReceiveServerId == Server.Id && r.ResolvedAt == null && r.Folder == folder)
            .OrderBy(r => r.Uid).ThenBy(r => r.Uidl).ToListAsync(ct);

    public DateTime Now => Time.GetUtcNow().UtcDateTime;

    /// <summary>The UIDLs the last failed pass of this POP3 server was interrupted on (see <see cref="RecordInterruptionAsync"/>).</summary>
    public async Task<List<string>> InterruptionNotesAsync(CancellationToken ct) =>
        await db.ReceiveRetries.AsNoTracking().Where(r => r.ReceiveServerId == Server.Id && r.Resolution == ReceiveRetry.StalledOnce && r.Uidl != null)
            .Select(r => r.Uidl!).ToListAsync(ct);

    /// <summary>The blob of the original stored under each of these POP3 UIDLs (those that have one).</summary>
    public async Task<Dictionary<string, string>> StoredBlobsAsync(IReadOnlyCollection<string> uidls, CancellationToken ct)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in uidls.Chunk(500))
        {
            var rows = await (from s in db.Pop3SeenMessages.AsNoTracking()
                              join m in db.RawMessages.AsNoTracking() on s.RawMessageId equals m.Id
                              where s.ReceiveServerId == Server.Id && chunk.Contains(s.Uidl)
                              select new { s.Uidl, m.BlobHash }).ToListAsync(ct);
            foreach (var row in rows)
                found[row.Uidl] = row.BlobHash;
        }
        return found;
    }

    public Stream OpenStored(string hash) => blobs.OpenRead(hash);

    /// <summary>The server's mailbox is not the one its positions were taken from (<see cref="Pop3MailboxIdentity"/>): raise
    /// the generation and clear the positions, as a change of the user name does, so this pass and the next fetch it as a
    /// new mailbox and nothing of the old one is deleted; a <see cref="ReceiveErrorCode.MailboxReplaced"/> issue says so.</summary>
    public async Task StartNewGenerationAsync(string detail, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var raised = await db.ReceiveServers.Where(s => s.Id == Server.Id && s.MailboxGeneration == Generation)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.MailboxGeneration, Generation + 1), ct);
            if (raised == 0)
                throw new MailboxChangedException();
            await MailboxReset.ClearPositionsAsync(db, Server.Id, ct);
            db.FetchIssues.Add(Issue(ReceiveErrorCode.MailboxReplaced, detail));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        Generation++;
        Counts.Issues++;
        ReceivingLog.MailboxReplaced(Logger, Server.Id, Generation);
    }

    public FetchIssue Issue(string code, string? detail, string? folder = null, long? uid = null, string? uidl = null, long? size = null) => new()
    {
        ReceiveServerId = Server.Id,
        InboxId = Server.InboxId,
        Code = code,
        Detail = detail is { Length: > 2000 } ? detail[..2000] : detail,
        Folder = folder,
        Uid = uid,
        Uidl = uidl,
        Size = size,
        OccurredAt = Time.GetUtcNow().UtcDateTime,
    };

    /// <summary>UIDLs of stored messages whose delete-after time has come and that are still on the server.</summary>
    public async Task<List<string>> DueForDeletionAsync(CancellationToken ct)
    {
        if (Server.LeaveOnServer && Server.DeleteAfterDays is null)
            return [];
        // Settings moved to another mailbox meanwhile: the UIDLs below are not this connection's to delete.
        if (!await IsStillThisMailboxAsync(ct))
            return [];
        var now = Time.GetUtcNow().UtcDateTime;
        var candidates = await db.Pop3SeenMessages.AsNoTracking()
            .Where(s => s.ReceiveServerId == Server.Id && s.DeletedFromServerAt == null)
            .Select(s => new { s.Uidl, s.StoredAt }).ToListAsync(ct);
        return [.. candidates.Where(c => Pop3DeletePolicy.IsDue(Server.LeaveOnServer, Server.DeleteAfterDays, c.StoredAt, now)).Select(c => c.Uidl)];
    }

    public async Task MarkDeletedAsync(IReadOnlyList<string> uidls, CancellationToken ct)
    {
        var now = Time.GetUtcNow().UtcDateTime;
        foreach (var chunk in uidls.Chunk(500))
            await db.Pop3SeenMessages.Where(s => s.ReceiveServerId == Server.Id && chunk.Contains(s.Uidl))
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.DeletedFromServerAt, now), ct);
        Counts.DeletedOnServer += uidls.Count;
    }

    private sealed record RetryChanges(IReadOnlyList<RefusalDraft> Refusals, IReadOnlyList<string> Gone);

    private async Task CommitAsync(IReadOnlyList<FetchedOriginal> items, IReadOnlyList<FetchIssue> issues, RetryChanges retries, CancellationToken ct, (string Folder, long UidValidity, long LastUid)? imap)
    {
        // Raw first: one flush makes the whole batch of originals durable before any row points at them.
        await blobs.SyncAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            try
            {
                var (stored, duplicates) = await TryCommitAsync(items, issues, retries, imap, ct);
                Counts.Stored += stored;
                Counts.Duplicates += duplicates;
                Counts.Issues += issues.Count;
                metrics.BatchCommitted(Server.Protocol, stored, duplicates, issues.Count + retries.Refusals.Count);
                _progressDone += items.Count + issues.Count(i => i.Code != ReceiveErrorCode.MessageTooLarge);
                if (stored > 0)
                    signal.NewOriginalsStored();
                ReceivingLog.BatchCommitted(Logger, Server.Id, stored, duplicates, issues.Count, _progressDone, _progressTotal);
                return;
            }
            catch (Exception e) when (UniqueViolation.IsRace(e) && attempt < CommitAttempts)
            {
                // Another fetcher (a second server of this inbox, or an instance whose lease ran out) stored some of
                // these at the same moment. Read again what exists and record the rest.
                ReceivingLog.CommitRaced(Logger, Server.Id, attempt);
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<(int Stored, int Duplicates)> TryCommitAsync(IReadOnlyList<FetchedOriginal> items, IReadOnlyList<FetchIssue> issues,
        RetryChanges retries, (string Folder, long UidValidity, long LastUid)? imap, CancellationToken ct)
    {
        var now = Time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // First write of the transaction, on the server row: it locks the row (PostgreSQL), so a settings change that
        // moves the server to another mailbox either waits for this commit or makes it find the generation changed.
        var done = _progressDone + items.Count + issues.Count(i => i.Code != ReceiveErrorCode.MessageTooLarge);
        var current = await db.ReceiveServers.Where(s => s.Id == Server.Id && s.MailboxGeneration == Generation).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.ProgressStored, done).SetProperty(s => s.ProgressTotal, _progressTotal).SetProperty(s => s.ProgressAt, now), ct);
        if (current == 0)
            throw new MailboxChangedException();
        var hashes = items.Select(i => i.Blob.Hash).Distinct().ToList();
        var existing = hashes.Count == 0
            ? []
            : await db.RawMessages.Where(m => m.InboxId == Server.InboxId && hashes.Contains(m.BlobHash))
                .Select(m => new { m.BlobHash, m.Id }).ToDictionaryAsync(m => m.BlobHash, m => m.Id, StringComparer.Ordinal, ct);
        var removed = await OriginalsRemovedMeanwhileAsync(items, existing, ct);
        if (removed.Count > 0)
        {
            // Their files were deleted (empty trash, retention) after this pass wrote them: set aside, fetched again later.
            items = [.. items.Where(i => !removed.Contains(i))];
            retries = retries with { Refusals = [.. retries.Refusals, .. removed.Select(i => RemovedDraft(i, imap)).OfType<RefusalDraft>()] };
        }
        var uidls = items.Where(i => i.Uidl is not null).Select(i => i.Uidl!).ToList();
        var seen = uidls.Count == 0
            ? []
            : (await db.Pop3SeenMessages.Where(s => s.ReceiveServerId == Server.Id && uidls.Contains(s.Uidl)).Select(s => s.Uidl).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);

        int stored = 0, duplicates = 0;
        var sequence = ArrivalSequence(items, await db.RawMessages.MaxAsync(m => (long?)m.Sequence, ct) ?? 0);
        // Insert in hash order: two fetchers storing the same messages then take index locks in the same order (no deadlock).
        foreach (var item in items.OrderBy(i => i.Blob.Hash, StringComparer.Ordinal))
        {
            if (item.Uidl is not null && !seen.Add(item.Uidl))
                continue;
            if (existing.TryGetValue(item.Blob.Hash, out var rawId))
            {
                duplicates++;
            }
            else
            {
                var raw = new RawMessage
                {
                    AccountId = Server.AccountId,
                    InboxId = Server.InboxId,
                    ReceiveServerId = Server.Id,
                    BlobHash = item.Blob.Hash,
                    Size = item.Blob.Size,
                    MessageIdHeader = item.MessageId,
                    ReceivedAt = now,
                    Sequence = sequence[item],
                    Folder = imap?.Folder,
                    UidValidity = imap?.UidValidity,
                    Uid = imap is null ? null : item.Uid,
                    Uidl = item.Uidl,
                    MailboxGeneration = Generation,
                };
                db.RawMessages.Add(raw);
                existing[item.Blob.Hash] = rawId = raw.Id;
                stored++;
            }
            if (item.Uidl is not null)
                db.Pop3SeenMessages.Add(new Pop3SeenMessage { ReceiveServerId = Server.Id, Uidl = item.Uidl, RawMessageId = rawId, StoredAt = now });
        }
        db.FetchIssues.AddRange(issues);

        if (imap is { } position)
        {
            var state = await db.ImapFolderStates.SingleOrDefaultAsync(s => s.ReceiveServerId == Server.Id && s.Folder == position.Folder, ct);
            if (state is null)
            {
                db.ImapFolderStates.Add(new ImapFolderState { ReceiveServerId = Server.Id, Folder = position.Folder, UidValidity = position.UidValidity, LastUid = position.LastUid, UpdatedAt = now });
            }
            else
            {
                if (state.UidValidity != position.UidValidity)
                    (state.UidValidity, state.LastUid) = (position.UidValidity, 0);
                state.LastUid = Math.Max(state.LastUid, position.LastUid);
                state.UpdatedAt = now;
            }
        }

        await RecordRetriesAsync(items, retries, imap, now, ct);

        // New rows as multi-row INSERTs (EF would send one statement per row); SaveChanges writes the folder position.
        await BulkInsert.InsertAddedAsync(db, BulkInsertOrder, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return (stored, duplicates);
    }

    /// <summary>The originals this commit adds a row for whose file is no longer there. Blobs are content-addressed, so the
    /// same original stored in another inbox (or account) may be the very file the eraser removes for a deleted ticket
    /// between this pass writing it and this commit. Under the blobs' shared locks (<see cref="BlobLocks"/>; on SQLite the
    /// one writing transaction orders the two) the file is checked; the eraser either saw this row or deleted before the
    /// check. Fetched originals are streamed, not kept, so a removed one is set aside and fetched again.</summary>
    private async Task<List<FetchedOriginal>> OriginalsRemovedMeanwhileAsync(IReadOnlyList<FetchedOriginal> items, Dictionary<string, Guid> existing, CancellationToken ct)
    {
        var fresh = items.Where(i => !existing.ContainsKey(i.Blob.Hash)).ToList();
        if (fresh.Count == 0)
            return [];
        await BlobLocks.LockSharedAsync(db, fresh.Select(i => i.Blob.Hash), ct);
        var removed = new List<FetchedOriginal>();
        foreach (var item in fresh)
        {
            if (await blobs.CheckAsync(item.Blob.Hash, item.Blob.Size, verifyContent: false, ct) != BlobCondition.Intact)
                removed.Add(item);
        }
        return removed;
    }

    private const string RemovedMeanwhileText = "The original's file was deleted (by emptying the trash or retention) while it was being stored; it is fetched again.";

    private static RefusalDraft? RemovedDraft(FetchedOriginal item, (string Folder, long UidValidity, long LastUid)? imap) =>
        imap is { } p && item.Uid is { } uid
            ? new RefusalDraft(ReceiveRetryPositions.Imap(p.Folder, p.UidValidity, uid), ReceiveErrorCode.MessageNotStored, RemovedMeanwhileText, p.Folder, p.UidValidity, uid)
            : item.Uidl is { } uidl ? new RefusalDraft(ReceiveRetryPositions.Pop3(uidl), ReceiveErrorCode.MessageNotStored, RemovedMeanwhileText, Uidl: uidl) : null;

    /// <summary>Each original's place in the order of arrival: after everything stored so far (<paramref name="last"/>),
    /// in the server's order — IMAP by UID, POP3 in the order the fetcher retrieved them (message number). Concurrent
    /// commits of other servers may overlap this range; one server's commits never do, since each reads the last
    /// number after its previous commit.</summary>
    internal static Dictionary<FetchedOriginal, long> ArrivalSequence(IReadOnlyList<FetchedOriginal> items, long last)
    {
        var sequence = new Dictionary<FetchedOriginal, long>(ReferenceEqualityComparer.Instance);
        // A stable sort: POP3 originals (no UID) keep their retrieval order.
        foreach (var item in items.OrderBy(i => i.Uid ?? 0))
            sequence.TryAdd(item, ++last);
        return sequence;
    }

    /// <summary>Refusals create or advance their retry row; a retry whose message is now stored, or gone, is over.</summary>
    private async Task RecordRetriesAsync(IReadOnlyList<FetchedOriginal> items, RetryChanges retries, (string Folder, long UidValidity, long LastUid)? imap, DateTime now, CancellationToken ct)
    {
        var fetched = items.Select(i => imap is { } p && i.Uid is { } uid ? ReceiveRetryPositions.Imap(p.Folder, p.UidValidity, uid)
            : i.Uidl is { } uidl ? ReceiveRetryPositions.Pop3(uidl) : null).OfType<string>().ToList();
        var touched = fetched.Concat(retries.Gone).Concat(retries.Refusals.Select(r => r.Position)).Distinct(StringComparer.Ordinal).ToList();
        if (touched.Count == 0)
            return;
        var rows = new Dictionary<string, ReceiveRetry>(StringComparer.Ordinal);
        foreach (var chunk in touched.Chunk(500))
            foreach (var row in await db.ReceiveRetries.Where(r => r.ReceiveServerId == Server.Id && chunk.Contains(r.Position)).ToListAsync(ct))
                rows[row.Position] = row;
        foreach (var position in fetched)
            if (rows.TryGetValue(position, out var row) && (row.ResolvedAt is null || row.Resolution == ReceiveRetry.StalledOnce))
                (row.ResolvedAt, row.Resolution) = (now, "fetched");
        foreach (var position in retries.Gone)
            if (rows.TryGetValue(position, out var row) && row.ResolvedAt is null)
                (row.ResolvedAt, row.Resolution) = (now, "gone");
        foreach (var refusal in retries.Refusals)
        {
            var text = refusal.ServerText is { Length: > 1000 } t ? t[..1000] : refusal.ServerText;
            if (!rows.TryGetValue(refusal.Position, out var row))
            {
                row = refusal.NewRow(Server, now);
                db.ReceiveRetries.Add(row);
                rows[refusal.Position] = row;
            }
            row.Code = refusal.Code;
            row.ServerText = text;
            row.Attempts = row.ResolvedAt is null ? row.Attempts + 1 : 1;
            row.LastSeenAt = now;
            row.NextRetryAt = now + ReceiveRetryBackoff.After(row.Attempts);
            (row.ResolvedAt, row.Resolution) = (null, null);
            ReceivingLog.MessageRefused(Logger, Server.Id, refusal.Position, refusal.Code, text ?? "", row.Attempts);
        }
    }

    /// <summary>The rule for a message that interrupts the pass (the server stalls on it, or closes the connection while
    /// sending it; <see cref="MessageInterruption"/>): the first pass it interrupts fails as before (it may have been the
    /// network) and only notes where (a <see cref="ReceiveRetry.StalledOnce"/> row); when the next failed pass is
    /// interrupted on the same message again, it is set aside as a waiting retry (<see cref="ReceiveErrorCode.MessageTimedOut"/>
    /// or <see cref="ReceiveErrorCode.ConnectionDropped"/>, with backoff) and later passes fetch the rest of the mailbox
    /// past it. An interruption on another message replaces the note; fetching the message ends it. A retry that
    /// interrupts again when its time comes counts one more attempt. Runs after the failed pass, in its own transaction.</summary>
    /// <returns>Whether the message is now set aside.</returns>
    public async Task<bool> RecordInterruptionAsync(RefusalDraft stall, CancellationToken ct)
    {
        var now = Time.GetUtcNow().UtcDateTime;
        db.ChangeTracker.Clear();
        if (!await IsStillThisMailboxAsync(ct))
            return false;
        await db.ReceiveRetries.Where(r => r.ReceiveServerId == Server.Id && r.Resolution == ReceiveRetry.StalledOnce && r.Position != stall.Position).ExecuteDeleteAsync(ct);
        var row = await db.ReceiveRetries.SingleOrDefaultAsync(r => r.ReceiveServerId == Server.Id && r.Position == stall.Position, ct);
        var again = row is not null && (row.ResolvedAt is null || row.Resolution == ReceiveRetry.StalledOnce);
        if (row is null)
        {
            row = stall.NewRow(Server, now);
            db.ReceiveRetries.Add(row);
        }
        row.Code = stall.Code;
        row.ServerText = stall.ServerText;
        row.LastSeenAt = now;
        if (again)
        {
            row.Attempts++;
            row.NextRetryAt = now + ReceiveRetryBackoff.After(row.Attempts);
            (row.ResolvedAt, row.Resolution) = (null, null);
            ReceivingLog.MessageRefused(Logger, Server.Id, stall.Position, stall.Code, stall.ServerText ?? "", row.Attempts);
        }
        else
        {
            row.Attempts = 0;
            row.NextRetryAt = now;
            (row.ResolvedAt, row.Resolution) = (now, ReceiveRetry.StalledOnce);
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        if (again)
            metrics.MessageFailed(Server.Protocol);
        return again;
    }

    private async Task WriteProgressAsync(CancellationToken ct)
    {
        var now = Time.GetUtcNow().UtcDateTime;
        await db.ReceiveServers.Where(s => s.Id == Server.Id).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.ProgressStored, _progressDone).SetProperty(s => s.ProgressTotal, _progressTotal).SetProperty(s => s.ProgressAt, now), ct);
    }
}
