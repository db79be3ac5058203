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
        // Messages the server refused before are asked for again only once their time has come; those no longer on
        // the server are over.
        var retries = await context.OpenRetriesAsync(null, ct);
        var onServer = uidls.ToHashSet(StringComparer.Ordinal);
        var notYet = retries.Where(r => r.Uidl is not null && r.NextRetryAt > context.Now).Select(r => r.Uidl!).ToHashSet(StringComparer.Ordinal);
        List<string> gone = [.. retries.Where(r => r.Uidl is null || !onServer.Contains(r.Uidl)).Select(r => r.Position)];
        var waiting = Enumerable.Range(0, count).Where(i => !seen.Contains(uidls[i]) && !notYet.Contains(uidls[i])).ToList();
        seen.Clear();
        await context.AddToProgressAsync(count, waiting.Count, ct);
        if (gone.Count > 0 && waiting.Count == 0)
            await context.CommitPop3Async([], [], ct, gone: gone);

        foreach (var batch in BatchPlanner.Plan(waiting, i => sizes[i], context.Options.BatchSize, context.Options.BatchBytes))
        {
            var items = new List<FetchedOriginal>(batch.Count);
            var issues = new List<FetchIssue>();
            var refusals = new List<RefusalDraft>();
            try
            {
                var streams = await client.GetStreamsAsync(batch.ToList(), false, ct);
                for (var n = 0; n < batch.Count; n++)
                {
                    await using var stream = streams[n];
                    if (await TryStoreAsync(context, stream, uidls[batch[n]], refusals, ct) is { } item)
                        items.Add(item);
                }
            }
            catch (Pop3CommandException)
            {
                // The server refused one of them (-ERR): fetch one by one, record the refused ones, keep the rest.
                items.Clear();
                refusals.Clear();
                foreach (var index in batch)
                {
                    try
                    {
                        await using var stream = await client.GetStreamAsync(index, false, ct);
                        if (await TryStoreAsync(context, stream, uidls[index], refusals, ct) is { } item)
                            items.Add(item);
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
            gone = [];
        }

        // Deleting happens only for messages whose storing has committed, and only takes effect at QUIT.
        var due = (await context.DueForDeletionAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var indexes = Enumerable.Range(0, count).Where(i => due.Contains(uidls[i])).ToList();
        if (indexes.Count > 0)
            await client.DeleteMessagesAsync(indexes, ct);
        await client.DisconnectAsync(quit: true, ct);
        if (indexes.Count > 0)
            await context.MarkDeletedAsync([.. indexes.Select(i => uidls[i])], ct);
    }

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
