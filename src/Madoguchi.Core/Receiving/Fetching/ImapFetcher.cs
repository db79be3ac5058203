using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Madoguchi.Core.Network;
using Madoguchi.Core.Receiving.Servers;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>IMAP: position = UIDVALIDITY + last UID per folder. Folders are opened read-only and bodies fetched with
/// BODY.PEEK, so nothing on the server changes (no \Seen flags). Many messages come in one FETCH; each is written to
/// the blob store as it arrives, and the batch commits with the folder's new position.</summary>
public sealed class ImapFetcher(GuardedConnector connector) : IMailFetcher
{
    /// <summary>Larger messages are fetched in pieces of this size so memory stays bounded.</summary>
    internal const int ChunkSize = 4 * 1024 * 1024;

    public ReceiveProtocol Protocol => ReceiveProtocol.Imap;

    public async Task FetchAsync(FetchContext context, CancellationToken ct)
    {
        using var client = new ImapClient();
        await MailConnector.ConnectAsync(client, connector, context.Connection, context.Certificate, context.Options.Timeout, ct);
        foreach (var folderName in context.Server.Folders)
        {
            var folder = await client.GetFolderAsync(folderName, ct);
            await folder.OpenAsync(FolderAccess.ReadOnly, ct);
            await FetchFolderAsync(context, folderName, folder, ct);
        }
        await client.DisconnectAsync(quit: true, ct);
    }

    private static async Task FetchFolderAsync(FetchContext context, string folderName, IMailFolder folder, CancellationToken ct)
    {
        var uidValidity = (long)folder.UidValidity;
        var state = await context.GetImapStateAsync(folderName, ct);
        long lastUid = 0;
        if (state is not null && state.UidValidity == uidValidity)
            lastUid = state.LastUid;
        else if (state is not null)
            // The server renumbered the folder: list it all again; messages already stored are recognised by their bytes.
            ReceivingLog.UidValidityChanged(context.Logger, context.Server.Id, folderName, state.UidValidity, uidValidity);

        // Messages the server would not give before: asked again once their time has come. Those of an older
        // UIDVALIDITY are over: the renumbered folder is listed again from its start.
        var retries = await context.OpenRetriesAsync(folderName, ct);
        var stale = retries.Where(r => r.UidValidity != uidValidity || r.Uid is null or <= 0 or > uint.MaxValue).Select(r => r.Position).ToList();
        var due = retries.Where(r => r.UidValidity == uidValidity && r.Uid is > 0 and <= uint.MaxValue && r.Uid <= lastUid && r.NextRetryAt <= context.Now)
            .Select(r => new UniqueId((uint)r.Uid!.Value)).ToList();

        // A message set aside past the position (it stalled the server) waits for its time like the others; the rest
        // of the folder comes meanwhile.
        var notYet = retries.Where(r => r.UidValidity == uidValidity && r.Uid > lastUid && r.NextRetryAt > context.Now).Select(r => r.Uid!.Value).ToHashSet();
        var waiting = folder.Count == 0 || lastUid >= uint.MaxValue
            ? []
            : (await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId((uint)lastUid + 1), UniqueId.MaxValue)), ct))
                .Where(u => u.Id > lastUid && !notYet.Contains(u.Id)).OrderBy(u => u.Id).ToList();
        await context.AddToProgressAsync(folder.Count, waiting.Count + due.Count, ct);

        if (due.Count == 0 && stale.Count > 0)
            await FetchBatchAsync(context, folderName, folder, uidValidity, [], [], lastUid, stale, ct);

        foreach (var listed in waiting.Chunk(context.Options.BatchSize))
        {
            var sizes = await SizesAsync(folder, listed, ct);
            foreach (var batch in BatchPlanner.Plan(listed, u => sizes.GetValueOrDefault(u), context.Options.BatchSize, context.Options.BatchBytes))
                await FetchBatchAsync(context, folderName, folder, uidValidity, batch, sizes, batch.Max(u => (long)u.Id), [], ct);
        }

        // Retries after the new mail, so one that stalls the server again does not hold the new mail back.
        foreach (var retry in due.Chunk(context.Options.BatchSize))
        {
            var sizes = await SizesAsync(folder, retry, ct);
            await FetchBatchAsync(context, folderName, folder, uidValidity, retry, sizes, lastUid, stale, ct);
            stale = [];
        }
    }

    private static async Task<Dictionary<UniqueId, long>> SizesAsync(IMailFolder folder, IList<UniqueId> uids, CancellationToken ct)
    {
        var summaries = await folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, ct);
        // Another session on the mailbox (POP3 marking messages seen, a mail client) makes the server send unsolicited
        // FETCH responses, which come back as extra summaries: some without a UID, some repeating one.
        return summaries.Where(s => s.UniqueId.IsValid).GroupBy(s => s.UniqueId).ToDictionary(g => g.Key, g => g.Max(s => (long)(s.Size ?? 0)));
    }

    /// <summary>Fetches one batch and commits it with the position <paramref name="commitLastUid"/>. A message the
    /// server refuses (NO) or leaves out of its answer while still holding it becomes a <see cref="ReceiveRetry"/>; one
    /// that is gone (expunged by someone else) is simply passed.</summary>
    private static async Task FetchBatchAsync(FetchContext context, string folderName, IMailFolder folder, long uidValidity, IReadOnlyList<UniqueId> batch,
        Dictionary<UniqueId, long> sizes, long commitLastUid, List<string> gone, CancellationToken ct)
    {
        var items = new List<FetchedOriginal>(batch.Count);
        var issues = new List<FetchIssueDraft>();
        var refused = new Dictionary<uint, (string Code, string Text)>();
        var small = batch.Where(u => sizes.TryGetValue(u, out var s) && s <= ChunkSize).ToList();
        var large = batch.Where(u => sizes.TryGetValue(u, out var s) && s > ChunkSize).ToList();
        try
        {
            if (small.Count > 0)
                await FetchSmallAsync(context, folderName, folder, small, items, refused, ct);
            foreach (var uid in large)
                await FetchLargeAsync(context, folder, uid, items, refused, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && MessageInterruption.Of(e, context, "") is not null)
        {
            // The server stopped answering or closed the connection: the first message of the batch not received yet is
            // the one it was sending.
            var received = items.Select(i => i.Uid).OfType<long>().ToHashSet();
            var stalled = small.Concat(large).FirstOrDefault(u => !received.Contains(u.Id) && !refused.ContainsKey(u.Id));
            if (!stalled.IsValid)
                throw;
            throw new MessageInterruptedException(MessageInterruption.Of(e, context, ReceiveRetryPositions.Imap(folderName, uidValidity, stalled.Id),
                folderName, uidValidity, stalled.Id)!, e);
        }
        // Stored whole all the same (the original is kept), with a caveat for the administrator.
        foreach (var item in items)
            if (item.Uid is { } u && sizes.TryGetValue(new UniqueId((uint)u), out var size) && size > context.Options.MaxMessageSize)
                issues.Add(new FetchIssueDraft(ReceiveErrorCode.MessageTooLarge,
                    $"{size:N0} bytes (limit {context.Options.MaxMessageSize:N0}); original stored as blob {item.Blob.Hash}.", u, size));

        // Not fetched and not refused: left out of an answer (of the sizes or of the bodies). Still on the server means
        // withheld, to be asked again; not there any more means expunged meanwhile.
        var got = items.Select(i => i.Uid).OfType<long>().ToHashSet();
        var missing = batch.Where(u => !got.Contains(u.Id) && !refused.ContainsKey(u.Id)).ToList();
        var stillThere = missing.Count == 0 ? [] : (await folder.SearchAsync(SearchQuery.Uids(missing), ct)).Select(u => u.Id).ToHashSet();
        var refusals = new List<RefusalDraft>();
        foreach (var (uid, (code, text)) in refused)
            refusals.Add(new RefusalDraft(ReceiveRetryPositions.Imap(folderName, uidValidity, uid), code, text, folderName, uidValidity, uid));
        foreach (var uid in missing)
        {
            var position = ReceiveRetryPositions.Imap(folderName, uidValidity, uid.Id);
            if (stillThere.Contains(uid.Id))
                refusals.Add(new RefusalDraft(position, ReceiveErrorCode.MessageNotReturned, "The server's FETCH answer did not include this message.", folderName, uidValidity, uid.Id));
            else
                gone.Add(position);
        }
        await context.CommitImapAsync(folderName, uidValidity, commitLastUid, items,
            [.. issues.Select(i => context.Issue(i.Code, i.Detail, folderName, i.Uid, size: i.Size))], ct, refusals, gone);
    }

    private static async Task FetchSmallAsync(FetchContext context, string folderName, IMailFolder folder, List<UniqueId> uids,
        List<FetchedOriginal> items, Dictionary<uint, (string Code, string Text)> refused, CancellationToken ct)
    {
        var imapFolder = (ImapFolder)folder;
        try
        {
            await imapFolder.GetStreamsAsync(uids, async (_, _, uid, stream, token) =>
            {
                if (await TryStoreAsync(context, stream, uid, refused, token) is { } item)
                    items.Add(item);
            }, ct);
        }
        catch (ImapCommandException e)
        {
            // The server refused the batch (NO): find the one it cannot deliver and record it; keep the rest.
            ReceivingLog.BatchRefused(context.Logger, context.Server.Id, folderName, e.Message);
            var done = items.Select(i => i.Uid).ToHashSet();
            foreach (var uid in uids.Where(u => !done.Contains(u.Id)))
            {
                try
                {
                    await using var stream = await folder.GetStreamAsync(uid, ct);
                    if (await TryStoreAsync(context, stream, uid, refused, ct) is { } item)
                        items.Add(item);
                }
                catch (ImapCommandException single)
                {
                    refused[uid.Id] = (ReceiveErrorCode.MessageRefused, ServerWords(single));
                }
                catch (MessageNotFoundException)
                {
                    // Left out of the answer, or expunged meanwhile: the caller asks the server which.
                }
            }
        }
    }

    private static async Task FetchLargeAsync(FetchContext context, IMailFolder folder, UniqueId uid,
        List<FetchedOriginal> items, Dictionary<uint, (string Code, string Text)> refused, CancellationToken ct)
    {
        try
        {
            await using var stream = new ImapChunkedStream(folder, uid, ChunkSize);
            if (await TryStoreAsync(context, stream, uid, refused, ct) is { } item)
                items.Add(item);
        }
        catch (ImapCommandException e)
        {
            refused[uid.Id] = (ReceiveErrorCode.MessageRefused, ServerWords(e));
        }
        catch (MessageNotFoundException)
        {
        }
    }

    /// <summary>Stores one original; when the blob store cannot take it, sets it aside (a retry with the store's reason) and returns null.</summary>
    private static async Task<FetchedOriginal?> TryStoreAsync(FetchContext context, Stream stream, UniqueId uid, Dictionary<uint, (string Code, string Text)> refused, CancellationToken ct)
    {
        var (original, notStored) = await context.TryStoreBlobAsync(stream, null, uid.Id, ct);
        if (notStored is not null)
            refused[uid.Id] = (ReceiveErrorCode.MessageNotStored, notStored);
        return original;
    }

    /// <summary>The server's own words for a refusal (e.g. "NO Internal error occurred."), cleaned to one short line
    /// (<see cref="ServerText"/>); never MailKit's own message.</summary>
    private static string ServerWords(ImapCommandException e) =>
        $"{e.Response.ToString().ToUpperInvariant()} {ServerText.Clean(e.ResponseText)}".Trim();

    public async Task ProbeAsync(System.Net.Sockets.Socket socket, ServerConnection connection, IReadOnlyList<string> folders, TimeSpan timeout, List<ConnectionTestStep> steps, CancellationToken ct)
    {
        using var client = new ImapClient();
        var certificate = new CertificateObservation();
        MailConnector.Prepare(client, connection, certificate, timeout);
        if (!await ProbeSteps.ConnectAsync(client, socket, connection, certificate, steps, ct) || !await ProbeSteps.LoginAsync(client, connection, certificate, steps, ct))
            return;
        long total = 0;
        var found = new List<string>();
        foreach (var name in folders)
        {
            try
            {
                var folder = await client.GetFolderAsync(name, ct);
                var status = await folder.OpenAsync(FolderAccess.ReadOnly, ct);
                _ = status;
                total += folder.Count;
                found.Add($"{name} ({folder.Count:N0})");
            }
            catch (Exception e) when (e is FolderNotFoundException or ImapCommandException)
            {
                steps.Add(new ConnectionTestStep(ConnectionSteps.Folders, false, $"The folder \"{name}\" does not exist on the server.", ReceiveFailureClassifier.Classify(e, connection: connection).Detail));
                return;
            }
        }
        steps.Add(new ConnectionTestStep(ConnectionSteps.Folders, true, $"Folders found: {string.Join(", ", found)}.", null));
        steps.Add(new ConnectionTestStep(ConnectionSteps.MessageCount, true, $"{total:N0} messages on the server.", total.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await client.DisconnectAsync(quit: true, ct);
    }

    public async Task<IReadOnlyList<ServerMessage>> SearchAsync(ServerConnection connection, IReadOnlyList<string> folders, MissingMailCriteria criteria, TimeSpan timeout, CancellationToken ct)
    {
        using var client = new ImapClient();
        await MailConnector.ConnectAsync(client, connector, connection, new CertificateObservation(), timeout, ct);
        var results = new List<ServerMessage>();
        var targets = new List<(IMailFolder Folder, bool Spam)>();
        foreach (var name in folders)
            targets.Add((await client.GetFolderAsync(name, ct), false));
        foreach (var junk in await JunkFolders.FindAsync(client, ct))
            if (!targets.Any(t => t.Folder.FullName == junk.FullName))
                targets.Add((junk, true));

        var query = BuildQuery(criteria);
        foreach (var (folder, spam) in targets)
        {
            await folder.OpenAsync(FolderAccess.ReadOnly, ct);
            if (folder.Count == 0)
                continue;
            var uids = (await folder.SearchAsync(query, ct)).OrderByDescending(u => u.Id).Take(MissingMailCriteria.MaxMatchesPerFolder).ToList();
            if (uids.Count == 0)
                continue;
            var summaries = await folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Size, ct);
            results.AddRange(summaries.Select(s => new ServerMessage(folder.FullName, spam, folder.UidValidity, s.UniqueId.Id, null,
                s.Envelope?.MessageId, s.Envelope?.From?.ToString(), s.Envelope?.Subject, s.Envelope?.Date, (long?)s.Size)));
        }
        await client.DisconnectAsync(quit: true, ct);
        return results;
    }

    private static SearchQuery BuildQuery(MissingMailCriteria criteria)
    {
        SearchQuery query = SearchQuery.All;
        if (!string.IsNullOrWhiteSpace(criteria.Sender))
            query = query.And(SearchQuery.FromContains(criteria.Sender.Trim()));
        foreach (var word in (criteria.SubjectWords ?? "").Split(' ', '　', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            query = query.And(SearchQuery.SubjectContains(word));
        if (criteria.Since is { } since)
            query = query.And(SearchQuery.DeliveredAfter(since.UtcDateTime.Date.AddDays(-1)));
        if (criteria.Before is { } before)
            query = query.And(SearchQuery.DeliveredBefore(before.UtcDateTime.Date.AddDays(1)));
        return query;
    }
}
