using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Madoguchi.Core.Data;
using Madoguchi.Core.Network;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Receiving.Servers;
using Madoguchi.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Madoguchi.Core.Sending.SentCopies;

/// <summary>Puts one sent message into the Sent folder over IMAP APPEND, at most once at a time across every instance
/// (claimed by one atomic UPDATE with a lease, like the outbox), only once the message is 送信済み, and never twice: a copy
/// recorded done is never taken again, and before appending, the folder is searched for the message's Message-ID (a
/// copy appended just before a crash, whose outcome was not recorded, is found and counted). The copy has the \Seen flag,
/// the send time as its date and the bytes the SMTP server received (the stored original, with CRLF line ends).
/// <para>Sign-in: the inbox's IMAP receive server (受信設定), the one whose user name is the send address's SMTP user name
/// or the address itself, else the oldest; the same mailbox the inbox fetches from.</para>
/// <para>Failures are retried with the outbox's backoff until <c>RetryFor</c> after the send, then recorded 保存できず.
/// The message's send state is never touched.</para></summary>
public sealed class SentCopyAppender(MadoguchiDbContext db, IBlobStore blobs, ReceivePasswordProtector passwords, GuardedConnector connector,
    IOptions<SendingOptions> options, TimeProvider time, ILogger<SentCopyAppender> logger)
{
    private sealed record Outcome(string? Folder, string? Code, string? Detail, bool Permanent, Exception? Exception = null);

    /// <summary>The copies that are due: pending and due, or left appending by an instance that died; only of sent messages.</summary>
    public static IQueryable<SentFolderCopy> Due(MadoguchiDbContext db, DateTime now) =>
        db.Set<SentFolderCopy>().Where(c => ((c.State == SentCopyState.Pending && c.NextAttemptAt <= now) || (c.State == SentCopyState.Appending && c.LeaseUntil < now))
            && db.OutgoingMessages.Any(o => o.TicketMessageId == c.TicketMessageId && o.State == SendState.Sent));

    public async Task<bool> TryAppendAsync(Guid messageId, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var owner = options.Value.InstanceId;
        var until = now + options.Value.LeaseDuration;
        var claimed = await Due(db, now).Where(c => c.TicketMessageId == messageId)
            .ExecuteUpdateAsync(u => u
                .SetProperty(c => c.State, SentCopyState.Appending)
                .SetProperty(c => c.LeaseOwner, owner)
                .SetProperty(c => c.LeaseUntil, until)
                .SetProperty(c => c.Attempts, c => c.Attempts + 1)
                .SetProperty(c => c.LastAttemptAt, now), ct);
        if (claimed != 1)
            return false;
        var copy = await db.Set<SentFolderCopy>().AsNoTracking().SingleAsync(c => c.TicketMessageId == messageId, ct);
        var outcome = await AppendAsync(copy, ct);
        if (outcome.Code is not null)
            SentCopyLog.AppendFailed(logger, messageId, outcome.Code, copy.Attempts, outcome.Exception);
        await RecordAsync(copy, outcome, owner);
        return true;
    }

    private async Task<Outcome> AppendAsync(SentFolderCopy copy, CancellationToken ct)
    {
        var address = await db.SendAddresses.AsNoTracking().SingleOrDefaultAsync(a => a.Id == copy.SendAddressId, ct);
        if (address is null)
            return new Outcome(null, SentCopyErrors.SendAddressMissing, null, true);
        if (!address.CopyToSentFolder)
            return new Outcome(null, SentCopyErrors.TurnedOff, null, true);
        var server = await ImapServerAsync(address, ct);
        if (server is null)
            return new Outcome(null, SentCopyErrors.NoImapServer, null, false);
        var sent = await db.OutgoingMessages.AsNoTracking().Where(o => o.TicketMessageId == copy.TicketMessageId)
            .Select(o => new { o.BlobHash, o.SentAt }).SingleAsync(ct);
        var messageIdHeader = await db.TicketMessages.AsNoTracking().Where(m => m.Id == copy.TicketMessageId).Select(m => m.MessageIdHeader).SingleAsync(ct);
        MimeMessage message;
        try
        {
            await using var stream = blobs.OpenRead(sent.BlobHash);
            message = await MimeMessage.LoadAsync(stream, ct);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return new Outcome(null, SentCopyErrors.OriginalMissing, null, true);
        }

        var connection = new ServerConnection(server.Id, server.Host, server.Port, server.Security, server.ValidateCertificate, server.Username,
            passwords.Unprotect(server.ProtectedPassword));
        var certificate = new CertificateObservation();
        using var client = new ImapClient();
        try
        {
            await MailConnector.ConnectAsync(client, connector, connection, certificate, options.Value.Timeout, ct);
            var folder = await SentFolderLocator.FindAsync(client, address.SentFolder, ct);
            if (folder is null)
            {
                var looked = string.IsNullOrWhiteSpace(address.SentFolder) ? string.Join(", ", SentFolderLocator.CommonNames) : address.SentFolder.Trim();
                return new Outcome(address.SentFolder.Trim() is { Length: > 0 } n ? n : null, SentCopyErrors.FolderMissing,
                    $"no folder marked \\Sent (SPECIAL-USE) and none named {looked} on {server.Host}", false);
            }
            await folder.OpenAsync(FolderAccess.ReadOnly, ct);
            var already = await folder.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageIdHeader), ct);
            if (already.Count == 0)
            {
                var request = new AppendRequest(message, MessageFlags.Seen);
                if (sent.SentAt is { } at)
                    request.InternalDate = new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc));
                await folder.AppendAsync(request, ct);
            }
            try
            {
                await client.DisconnectAsync(quit: true, ct);
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ImapProtocolException or OperationCanceledException)
            {
                // The copy is in the folder: a failed LOGOUT changes nothing.
            }
            return new Outcome(folder.FullName, null, null, false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            var failure = ReceiveFailureClassifier.Classify(e, certificate, connection);
            return new Outcome(null, failure.Code, failure.Detail, false, e);
        }
    }

    /// <summary>The inbox's IMAP server whose user is the SMTP user or the address itself, else the oldest one.</summary>
    private async Task<ReceiveServer?> ImapServerAsync(SendAddress address, CancellationToken ct)
    {
        var servers = await db.ReceiveServers.AsNoTracking().Where(s => s.InboxId == address.InboxId && s.Protocol == ReceiveProtocol.Imap)
            .OrderBy(s => s.CreatedAt).ToListAsync(ct);
        return servers.FirstOrDefault(s => string.Equals(s.Username, address.Username, StringComparison.OrdinalIgnoreCase) && address.Username.Length > 0)
            ?? servers.FirstOrDefault(s => string.Equals(s.Username, address.Address, StringComparison.OrdinalIgnoreCase))
            ?? servers.FirstOrDefault();
    }

    private async Task RecordAsync(SentFolderCopy copy, Outcome outcome, string owner)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var mine = db.Set<SentFolderCopy>().Where(c => c.TicketMessageId == copy.TicketMessageId && c.LeaseOwner == owner && c.State == SentCopyState.Appending);
        if (outcome.Code is null)
        {
            await mine.ExecuteUpdateAsync(u => u.SetProperty(c => c.State, SentCopyState.Done).SetProperty(c => c.DoneAt, now)
                .SetProperty(c => c.Folder, outcome.Folder).SetProperty(c => c.LeaseOwner, (string?)null).SetProperty(c => c.LeaseUntil, (DateTime?)null)
                .SetProperty(c => c.ErrorCode, (string?)null).SetProperty(c => c.ErrorDetail, (string?)null), CancellationToken.None);
            return;
        }
        var detail = outcome.Detail is { Length: > 2000 } d ? d[..2000] : outcome.Detail;
        var folder = outcome.Folder is { Length: > 200 } f ? f[..200] : outcome.Folder;
        var delay = TimeSpan.FromTicks(Math.Min(options.Value.MaxRetryDelay.Ticks,
            options.Value.FirstRetryDelay.Ticks * (long)Math.Pow(2, Math.Min(Math.Max(1, copy.Attempts) - 1, 30))));
        var next = now + delay;
        var state = outcome.Permanent || next > copy.CreatedAt + options.Value.RetryFor ? SentCopyState.Failed : SentCopyState.Pending;
        await mine.ExecuteUpdateAsync(u => u.SetProperty(c => c.State, state).SetProperty(c => c.NextAttemptAt, next)
            .SetProperty(c => c.Folder, folder).SetProperty(c => c.LeaseOwner, (string?)null).SetProperty(c => c.LeaseUntil, (DateTime?)null)
            .SetProperty(c => c.ErrorCode, outcome.Code).SetProperty(c => c.ErrorDetail, detail), CancellationToken.None);
    }
}
