using MailKit.Net.Pop3;
using Madoguchi.Core.Network;
using Madoguchi.Core.Receiving.Servers;
using MimeKit;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>POP3: position = the set of UIDLs already handled. New messages are retrieved in batches (pipelined RETR),
/// committed with their UIDLs, and only then, at the end of the pass, deleted on the server when the delete policy says so.</summary>
public sealed class Pop3Fetcher(GuardedConnector connector) : IMailFetcher
{
    public ReceiveProtocol Protocol => ReceiveProtocol.Pop3;

    public async Task FetchAsync(FetchContext context, CancellationToken ct)
    {
        using var client = new Pop3Client();
        await MailConnector.ConnectAsync(client, connector, context.Connection, context.Certificate, context.Options.Timeout, ct);
        var count = client.Count;
        var uidls = count == 0 ? [] : await client.GetMessageUidsAsync(ct);
        var sizes = count == 0 ? [] : await client.GetMessageSizesAsync(ct);
        var seen = await context.LoadSeenUidlsAsync(ct);
        // Still the mailbox our positions come from? Asked of the first and the last message we know, every pass.
        var known = Enumerable.Range(0, count).Where(i => seen.Contains(uidls[i])).ToList();
        if (known.Count > 0)
        {
            var sample = known.Count == 1 ? [known[0]] : new[] { known[0], known[^1] };
            if ((await Pop3MailboxIdentity.CheckAsync(client, context, [.. sample.Select(i => (i, uidls[i]))], ct)).Differs is [var first, ..])
            {
                await context.StartNewGenerationAsync($"the message under UIDL {ServerText.Clean(first)} is not the one fetched under it before; the mailbox is fetched afresh and nothing is deleted on the strength of the old one", ct);
                seen = await context.LoadSeenUidlsAsync(ct);
            }
        }
        // Messages the server refused before are asked for again only once their time has come; those no longer on
        // the server are over.
        var retries = await context.OpenRetriesAsync(null, ct);
        // A set of every UIDL only when there is something to look up in it (~2.6 MB at 100,000 messages).
        var onServerSet = new Lazy<HashSet<string>>(() => uidls.ToHashSet(StringComparer.Ordinal));
        bool OnServer(string uidl) => onServerSet.Value.Contains(uidl);
        var notYet = retries.Where(r => r.Uidl is not null && r.NextRetryAt > context.Now).Select(r => r.Uidl!).ToHashSet(StringComparer.Ordinal);
        List<string> gone = [.. retries.Where(r => r.Uidl is null || !OnServer(r.Uidl)).Select(r => r.Position)];
        var dueRetries = retries.Where(r => r.Uidl is not null && r.NextRetryAt <= context.Now).Select(r => r.Uidl!).ToHashSet(StringComparer.Ordinal);
        var waiting = Enumerable.Range(0, count).Where(i => !seen.Contains(uidls[i]) && !notYet.Contains(uidls[i])).ToList();
        // Retries in batches after the new mail, so one that stalls or drops the connection again does not hold the new
        // mail back.
        var batches = BatchPlanner.Plan(waiting.Where(i => !dueRetries.Contains(uidls[i])), i => sizes[i], context.Options.BatchSize, context.Options.BatchBytes)
            .Concat(BatchPlanner.Plan(waiting.Where(i => dueRetries.Contains(uidls[i])), i => sizes[i], context.Options.BatchSize, context.Options.BatchBytes));
        seen.Clear();
        seen.TrimExcess();
        await context.AddToProgressAsync(count, waiting.Count, ct);
        if (gone.Count > 0 && waiting.Count == 0)
            await context.CommitPop3Async([], [], ct, gone: gone);
        // The last pass was interrupted somewhere in a pipelined batch: this pass asks one message at a time, so an
        // interruption names its message exactly.
        var oneByOne = (await context.InterruptionNotesAsync(ct)).Any(OnServer);
        // By message number: a set of the UIDLs fetched grew to ~2.6 MB at 100,000 messages, discarding as much on the way.
        var fetchedNow = new bool[count];

        foreach (var batch in batches)
        {
            var items = new List<FetchedOriginal>(batch.Count);
            var issues = new List<FetchIssue>();
            var refusals = new List<RefusalDraft>();
            var stored = new List<int>(batch.Count);
            var streams = oneByOne ? null : await RetrieveBatchAsync(client, context, batch, uidls, sizes, ct);
            if (streams is not null)
            {
                for (var n = 0; n < batch.Count; n++)
                {
                    await using var stream = streams[n];
                    if (await TryStoreAsync(context, stream, uidls[batch[n]], refusals, ct) is { } item)
                    {
                        items.Add(item);
                        stored.Add(batch[n]);
                    }
                }
            }
            else
            {
                // One by one (after an interruption, or when the server refused one of the batch with -ERR): record the
                // refused ones, keep the rest.
                foreach (var index in batch)
                {
                    try
                    {
                        await using var stream = await RetrieveOneAsync(client, context, index, uidls, ct);
                        if (await TryStoreAsync(context, stream, uidls[index], refusals, ct) is { } item)
                        {
                            items.Add(item);
                            stored.Add(index);
                        }
                    }
                    catch (Pop3CommandException single)
                    {
                        var words = ("-ERR " + ServerText.Clean(single.StatusText)).Trim();
                        refusals.Add(new RefusalDraft(ReceiveRetryPositions.Pop3(uidls[index]), ReceiveErrorCode.MessageRefused, words, Uidl: uidls[index]));
                    }
                }
            }
            foreach (var index in batch.Where(i => sizes[i] > context.Options.MaxMessageSize))
                issues.Add(context.Issue(ReceiveErrorCode.MessageTooLarge,
                    $"{sizes[index]:N0} bytes (limit {context.Options.MaxMessageSize:N0}); original stored.", uidl: uidls[index], size: sizes[index]));
            await context.CommitPop3Async(items, issues, ct, refusals, gone);
            foreach (var index in stored)
                fetchedNow[index] = true;
            gone = [];
        }

        // Deleting happens only for messages whose storing has committed, and only takes effect at QUIT.
        var due = (await context.DueForDeletionAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var indexes = Enumerable.Range(0, count).Where(i => due.Contains(uidls[i])).ToList();
        // Those fetched in an earlier session are deleted only when the server still holds the very message we stored
        // under the UIDL; one that is not means another mailbox: nothing is deleted, and it is fetched as a new one.
        var earlier = indexes.Where(i => !fetchedNow[i]).Select(i => (i, uidls[i])).ToList();
        var identity = await Pop3MailboxIdentity.CheckAsync(client, context, earlier, ct);
        if (identity.Differs is [var other, ..])
        {
            await context.StartNewGenerationAsync($"the message under UIDL {ServerText.Clean(other)} is not the one fetched under it before; nothing was deleted, and the mailbox is fetched afresh", ct);
            indexes = [];
        }
        else if (identity.Unverifiable.Count > 0)
        {
            // No original to compare with: kept on the server.
            indexes = [.. indexes.Where(i => !identity.Unverifiable.Contains(uidls[i]))];
        }
        if (indexes.Count > 0)
            await client.DeleteMessagesAsync(indexes, ct);
        await client.DisconnectAsync(quit: true, ct);
        if (indexes.Count > 0)
            await context.MarkDeletedAsync([.. indexes.Select(i => uidls[i])], ct);
    }

    /// <summary>The batch by pipelined RETR; null when the server refused one of them (-ERR), to be asked one by one. An
    /// interruption is charged to the message the transfer was on (<see cref="Pop3TransferPosition"/>).</summary>
    private static async Task<IList<Stream>?> RetrieveBatchAsync(Pop3Client client, FetchContext context, IReadOnlyList<int> batch, IList<string> uidls, IList<int> sizes, CancellationToken ct)
    {
        var position = new Pop3TransferPosition();
        try
        {
            return await client.GetStreamsAsync(batch.ToList(), false, ct, position);
        }
        catch (Pop3CommandException)
        {
            return null;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && Interruption(e, context, uidls[position.MessageAt(batch, sizes)]) is { } interruption)
        {
            throw new MessageInterruptedException(interruption, e);
        }
    }

    private static async Task<Stream> RetrieveOneAsync(Pop3Client client, FetchContext context, int index, IList<string> uidls, CancellationToken ct)
    {
        try
        {
            return await client.GetStreamAsync(index, false, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is not Pop3CommandException && Interruption(e, context, uidls[index]) is { } interruption)
        {
            throw new MessageInterruptedException(interruption, e);
        }
    }

    private static RefusalDraft? Interruption(Exception e, FetchContext context, string uidl) =>
        MessageInterruption.Of(e, context, ReceiveRetryPositions.Pop3(uidl), uidl: uidl);

    /// <summary>Stores one original; when the blob store cannot take it, sets it aside (a retry with the store's reason) and returns null.</summary>
    private static async Task<FetchedOriginal?> TryStoreAsync(FetchContext context, Stream stream, string uidl, List<RefusalDraft> refusals, CancellationToken ct)
    {
        var (original, notStored) = await context.TryStoreBlobAsync(stream, uidl, null, ct);
        if (notStored is not null)
            refusals.Add(new RefusalDraft(ReceiveRetryPositions.Pop3(uidl), ReceiveErrorCode.MessageNotStored, notStored, Uidl: uidl));
        return original;
    }

    public async Task ProbeAsync(System.Net.Sockets.Socket socket, ServerConnection connection, IReadOnlyList<string> folders, TimeSpan timeout, List<ConnectionTestStep> steps, CancellationToken ct)
    {
        using var client = new Pop3Client();
        var certificate = new CertificateObservation();
        MailConnector.Prepare(client, connection, certificate, timeout);
        if (!await ProbeSteps.ConnectAsync(client, socket, connection, certificate, steps, ct) || !await ProbeSteps.LoginAsync(client, connection, certificate, steps, ct))
            return;
        steps.Add(new ConnectionTestStep(ConnectionSteps.Folders, true, "POP3 has a single mailbox (no folders).", null));
        var uidl = (client.Capabilities & Pop3Capabilities.UIDL) != 0;
        steps.Add(new ConnectionTestStep(ConnectionSteps.MessageCount, uidl,
            uidl ? $"{client.Count:N0} messages on the server." : "The server does not offer UIDL, so messages cannot be fetched exactly once. Use IMAP.",
            client.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await client.DisconnectAsync(quit: true, ct);
    }

    /// <summary>POP3 has no search: reads the headers (TOP) of the newest messages, up to 2,000.</summary>
    public async Task<IReadOnlyList<ServerMessage>> SearchAsync(ServerConnection connection, IReadOnlyList<string> folders, MissingMailCriteria criteria, TimeSpan timeout, CancellationToken ct)
    {
        using var client = new Pop3Client();
        await MailConnector.ConnectAsync(client, connector, connection, new CertificateObservation(), timeout, ct);
        var results = new List<ServerMessage>();
        var count = client.Count;
        if (count > 0)
        {
            var uidls = await client.GetMessageUidsAsync(ct);
            var sizes = await client.GetMessageSizesAsync(ct);
            for (var i = count - 1; i >= Math.Max(0, count - 2000) && results.Count < MissingMailCriteria.MaxMatchesPerFolder; i--)
            {
                var headers = await client.GetMessageHeadersAsync(i, ct);
                var from = headers[HeaderId.From];
                var subject = headers[HeaderId.Subject];
                DateTimeOffset? date = MimeKit.Utils.DateUtils.TryParse(headers[HeaderId.Date] ?? "", out var d) ? d : null;
                if (!Matches(criteria, from, subject, date))
                    continue;
                var id = headers[HeaderId.MessageId];
                results.Add(new ServerMessage("POP3", false, null, null, uidls[i],
                    id is null ? null : MimeKit.Utils.MimeUtils.EnumerateReferences(id).FirstOrDefault() ?? id.Trim('<', '>', ' '),
                    from, subject, date, sizes[i]));
            }
        }
        await client.DisconnectAsync(quit: true, ct);
        return results;
    }

    internal static bool Matches(MissingMailCriteria criteria, string? from, string? subject, DateTimeOffset? date)
    {
        if (!string.IsNullOrWhiteSpace(criteria.Sender) && (from is null || !from.Contains(criteria.Sender.Trim(), StringComparison.OrdinalIgnoreCase)))
            return false;
        foreach (var word in (criteria.SubjectWords ?? "").Split(' ', '　', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (subject is null || !subject.Contains(word, StringComparison.OrdinalIgnoreCase))
                return false;
        if (criteria.Since is { } since && date is { } d1 && d1 < since)
            return false;
        if (criteria.Before is { } before && date is { } d2 && d2 >= before)
            return false;
        return true;
    }
}
