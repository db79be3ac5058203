using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Receiving.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Receiving.Missing;

/// <summary>Where a stored message ended up in the ticket list (filled by the tickets feature).</summary>
public sealed record TicketLocation(Guid TicketId, Guid? MessageId, string Place, string? Url);

/// <summary>Extension point for the tickets feature: given a stored original, where is it now (ticket, trash, spam)?</summary>
public interface IMessageLocator
{
    Task<TicketLocation?> LocateAsync(Guid rawMessageId, CancellationToken ct);
}

/// <summary>Until tickets exist: nothing to point at beyond the stored original.</summary>
internal sealed class NoTicketLocator : IMessageLocator
{
    public Task<TicketLocation?> LocateAsync(Guid rawMessageId, CancellationToken ct) => Task.FromResult<TicketLocation?>(null);
}

public static class MissingMailPlace
{
    /// <summary>On the server in a fetched folder, not stored yet: the next fetch takes it.</summary>
    public const string WaitingOnServer = "waiting_on_server";

    /// <summary>In the server's Junk/Spam folder, which is not fetched.</summary>
    public const string InServerSpam = "in_server_spam";

    /// <summary>On the server, but the server refused to hand it over (or left it out of its answer): asked again later.</summary>
    public const string RefusedByServer = "refused_by_server";

    /// <summary>Already stored in Madoguchi.</summary>
    public const string InMadoguchi = "in_madoguchi";
}

public sealed record MissingMailMatch(
    Guid ServerId, string Place, string Ja, string En, string Folder, string? MessageId, string? From, string? Subject, DateTimeOffset? Date,
    long? Size, Guid? RawMessageId, TicketLocation? Ticket, string? ServerText = null, DateTime? NextRetryAt = null);

public sealed record MissingMailServerError(Guid ServerId, string Code, string Ja, string En, string Detail);

public sealed record MissingMailResult(IReadOnlyList<MissingMailMatch> Items, IReadOnlyList<MissingMailServerError> Errors, string Verdict, string Ja, string En)
{
    public int Total => Items.Count;
}

/// <summary>「メールが届かない」: walks the help page's checklist on the server side. Searches each receive server (fetched
/// folders and the Junk/Spam folders) and says for each match whether it waits to be fetched, sits in the server's spam
/// folder, or is already in Madoguchi; with no match anywhere, the mail never reached the server.</summary>
public sealed class FindMissingMailQuery(MadoguchiDbContext db, IEnumerable<IMailFetcher> fetchers, ReceivePasswordProtector passwords, IMessageLocator locator, IOptions<ReceivingOptions> options)
{
    public async Task<Result<MissingMailResult>> HandleAsync(Actor actor, Guid inboxId, MissingMailCriteria criteria, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Administrator, ct);
        if (!access.Succeeded)
            return access.Error!;
        if (string.IsNullOrWhiteSpace(criteria.Sender) && string.IsNullOrWhiteSpace(criteria.SubjectWords) && criteria.Since is null && criteria.Before is null)
            return new Error(ErrorKind.Invalid, "criteria_required", "Give at least a sender, subject words or a date range.");

        var servers = await db.ReceiveServers.AsNoTracking().Where(s => s.InboxId == inboxId).OrderBy(s => s.CreatedAt).ToListAsync(ct);
        var matches = new List<MissingMailMatch>();
        var errors = new List<MissingMailServerError>();
        foreach (var server in servers)
        {
            var connection = new ServerConnection(server.Id, server.Host, server.Port, server.Security, server.ValidateCertificate, server.Username, passwords.Unprotect(server.ProtectedPassword));
            IReadOnlyList<ServerMessage> found;
            try
            {
                found = await fetchers.Single(f => f.Protocol == server.Protocol).SearchAsync(connection, server.Folders, criteria, options.Value.Timeout, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                var failure = ReceiveFailureClassifier.Classify(e, connection: connection);
                errors.Add(new MissingMailServerError(server.Id, failure.Code, failure.Text.Ja, failure.Text.En, failure.Detail));
                continue;
            }
            foreach (var message in found)
                matches.Add(await ClassifyAsync(server, message, ct));
        }

        var (verdict, ja, en) = matches.Count switch
        {
            0 when errors.Count > 0 => ("servers_unreachable", "受信サーバを検索できませんでした。受信設定とエラーを確認してください。", "The receive servers could not be searched. Check the receive settings and the errors."),
            0 => ("not_on_server", "受信サーバに該当するメールはありません。メールは受信サーバに届いていません（送信者側の送信エラー、宛先の誤り、サーバ側の拒否が考えられます）。", "No such mail is on the receive servers: it never reached the customer's mail server (a sending error, a wrong address, or the server refused it)."),
            _ => ("found", "受信サーバで見つかりました。各メールの状態を確認してください。", "Found on the receive servers; see where each one is."),
        };
        return new MissingMailResult(matches, errors, verdict, ja, en);
    }

    private async Task<MissingMailMatch> ClassifyAsync(ReceiveServer server, ServerMessage message, CancellationToken ct)
    {
        var rawId = await FindStoredAsync(server, message, ct);
        var refusal = rawId is null && !message.InSpamFolder ? await FindRefusalAsync(server, message, ct) : null;
        string place;
        if (rawId is not null)
            place = MissingMailPlace.InMadoguchi;
        else if (message.InSpamFolder)
            place = MissingMailPlace.InServerSpam;
        else if (refusal is not null)
            place = MissingMailPlace.RefusedByServer;
        else
            place = MissingMailPlace.WaitingOnServer;
        var (ja, en) = place switch
        {
            MissingMailPlace.InMadoguchi => ("窓口に受信済みです。ゴミ箱・迷惑メールも含めて検索してください。", "Already in Madoguchi. Search including trash and spam."),
            MissingMailPlace.InServerSpam => ("受信サーバの迷惑メールフォルダにあります。迷惑メールフォルダのメールは受信しません。", "In the server's spam folder. Mail there is not fetched."),
            // Set aside for another reason than the server's refusal (it stalled or dropped the connection on it; it could not be saved): the code's own words.
            MissingMailPlace.RefusedByServer when refusal!.Code is ReceiveErrorCode.MessageTimedOut or ReceiveErrorCode.ConnectionDropped or ReceiveErrorCode.MessageNotStored =>
                ($"受信サーバにあります。{ReceiveErrors.Describe(refusal.Code).Ja}（{refusal.Attempts} 回）詳細: {refusal.ServerText}",
                 $"On the server. {ReceiveErrors.Describe(refusal.Code).En} ({refusal.Attempts} time(s)). Detail: {refusal.ServerText}"),
            MissingMailPlace.RefusedByServer => ($"受信サーバにありますが、サーバが取得を拒否しました（{refusal!.Attempts} 回）。サーバの応答: {refusal.ServerText}。時間をおいて自動で再取得します。",
                $"On the server, but the server refused to hand it over ({refusal!.Attempts} time(s)). The server said: {refusal.ServerText}. Madoguchi asks again later by itself."),
            _ => ("受信サーバにあり、次回の受信で取り込まれます。", "On the server and about to be fetched."),
        };
        var ticket = rawId is { } id ? await locator.LocateAsync(id, ct) : null;
        return new MissingMailMatch(server.Id, place, ja, en, message.Folder, message.MessageId, message.From, message.Subject, message.Date, message.Size, rawId, ticket,
            refusal?.ServerText, refusal?.NextRetryAt);
    }

    private async Task<ReceiveRetry?> FindRefusalAsync(ReceiveServer server, ServerMessage message, CancellationToken ct)
    {
        var position = message.Uidl is { } uidl ? ReceiveRetryPositions.Pop3(uidl)
            : message.Uid is { } uid && message.UidValidity is { } validity ? ReceiveRetryPositions.Imap(message.Folder, validity, uid) : null;
        return position is null ? null
            : await db.ReceiveRetries.AsNoTracking().SingleOrDefaultAsync(r => r.ReceiveServerId == server.Id && r.Position == position && r.ResolvedAt == null, ct);
    }

    private async Task<Guid?> FindStoredAsync(ReceiveServer server, ServerMessage message, CancellationToken ct)
    {
        if (message.Uidl is not null)
        {
            var seen = await db.Pop3SeenMessages.AsNoTracking().Where(s => s.ReceiveServerId == server.Id && s.Uidl == message.Uidl)
                .Select(s => s.RawMessageId).FirstOrDefaultAsync(ct);
            if (seen is not null)
                return seen;
        }
        if (message.Uid is { } uid && message.UidValidity is { } validity)
        {
            var byPosition = await db.RawMessages.AsNoTracking().Where(m => m.ReceiveServerId == server.Id && m.MailboxGeneration == server.MailboxGeneration && m.Folder == message.Folder && m.UidValidity == validity && m.Uid == uid)
                .Select(m => (Guid?)m.Id).FirstOrDefaultAsync(ct);
            if (byPosition is not null)
                return byPosition;
        }
        if (message.MessageId is { } messageId)
            return await db.RawMessages.AsNoTracking().Where(m => m.InboxId == server.InboxId && m.MessageIdHeader == messageId)
                .OrderBy(m => m.ReceivedAt).Select(m => (Guid?)m.Id).FirstOrDefaultAsync(ct);
        return null;
    }
}
