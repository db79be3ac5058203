using System.Text;
using System.Text.Json;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Receiving.Parsing;
using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Search;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Madoguchi.Core.Sending;

/// <summary>A reply as a client sends it. Empty <see cref="To"/> means "to the customer": the Reply-To of the latest
/// received message when it has one, else its From.</summary>
public sealed record ReplyInput(
    Guid? SendAddressId,
    IReadOnlyList<string>? To,
    IReadOnlyList<string>? Cc,
    IReadOnlyList<string>? Bcc,
    string? Subject,
    string? Text,
    string? Html,
    bool ReplyAll,
    string? StatusAfter);

/// <summary>A sent message as the API answers it right after queueing.</summary>
public sealed record SentMessageView(Guid Id, Guid TicketId, string Direction, string MessageId, string Subject, AddressView From,
    IReadOnlyList<AddressView> To, IReadOnlyList<AddressView> Cc, string SendState, SendErrorView? SendError, DateTime? NextAttemptAt, long Size);

/// <summary>Writes a reply into the outbox: builds the MIME message (threading headers, a Message-ID on the From address's
/// domain), stores its exact bytes as a blob (durable before the row), then in one transaction the ticket's new
/// <see cref="MessageDirection.Sent"/> message, its outbox row (queued), the ticket's status and the account's storage
/// use. The outbox worker sends it; nothing is sent here.</summary>
public sealed class QueueReplyCommand(MadoguchiDbContext db, SearchIndexWriter search, IBlobStore blobs, PendingStorageUsage usage, SendTrigger trigger, ITicketChangeFeed feed, IOptions<SendingOptions> options, TimeProvider time)
{
    public async Task<Result<SentMessageView>> HandleAsync(Actor actor, Guid ticketId, ReplyInput input, CancellationToken ct)
    {
        var access = await db.RequireTicketAsync(actor, ticketId, InboxRole.Operator, track: true, ct);
        if (!access.Succeeded)
            return access.Error!.Code == "inbox_role_too_low"
                ? new Error(ErrorKind.Forbidden, "approval_required", "An assistant cannot send to customers directly; a manager must send this reply.")
                : access.Error!;
        var ticket = access.Value.Ticket;
        var sendAddresses = db.SendAddresses.AsNoTracking().Where(a => a.InboxId == ticket.InboxId);
        var from = input.SendAddressId is { } chosen
            ? await sendAddresses.SingleOrDefaultAsync(a => a.Id == chosen, ct)
            : await sendAddresses.OrderByDescending(a => a.IsDefault).ThenBy(a => a.CreatedAt).FirstOrDefaultAsync(ct);
        if (from is null)
            return input.SendAddressId is null
                ? new Error(ErrorKind.Invalid, "no_send_address", "This inbox has no send address yet: add one in 送信設定 (send settings) first.")
                : Error.NotFound("The send address");
        var status = TicketStatus.Closed;
        if (input.StatusAfter is { Length: > 0 } statusText && !Enum.TryParse(statusText, ignoreCase: true, out status))
            return new Error(ErrorKind.Invalid, "status_after_invalid", "statusAfter must be \"open\", \"pending\", \"closed\" or \"noAction\".");
        if (string.IsNullOrWhiteSpace(input.Text) && string.IsNullOrWhiteSpace(input.Html))
            return new Error(ErrorKind.Invalid, "text_required", "Write the reply's text.");

        var messages = await db.TicketMessages.AsNoTracking().Where(m => m.TicketId == ticket.Id)
            .OrderBy(m => m.Date).ThenBy(m => m.Id).ToListAsync(ct);
        var original = messages.LastOrDefault(m => m.Direction == MessageDirection.Received) ?? messages.LastOrDefault();

        var to = Parse(input.To, out var badTo);
        var cc = Parse(input.Cc, out var badCc);
        var bcc = Parse(input.Bcc, out var badBcc);
        if ((badTo ?? badCc ?? badBcc) is { } bad)
            return new Error(ErrorKind.Invalid, "address_invalid", $"\"{bad}\" is not an email address.");
        if (to.Count == 0 && original is not null)
        {
            var replyTo = AddressView.FromJson(original.ReplyToJson);
            to = [.. (replyTo.Count > 0 ? replyTo : AddressView.FromJson(original.FromJson)).Select(a => new MailboxAddress(a.Name, a.Address))];
        }
        if (input.ReplyAll && original is not null)
        {
            var ours = (await sendAddresses.Select(a => a.Address).ToListAsync(ct)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var already = to.Concat(cc).Select(a => a.Address).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var a in AddressView.FromJson(original.ToJson).Concat(AddressView.FromJson(original.CcJson)))
                if (!ours.Contains(a.Address) && already.Add(a.Address))
                    cc.Add(new MailboxAddress(a.Name, a.Address));
        }
        if (to.Count == 0)
            return new Error(ErrorKind.Invalid, "to_required", "Enter at least one recipient (To).");
        var recipientCount = to.Count + cc.Count + bcc.Count;
        if (recipientCount > options.Value.MaxRecipients)
            return new Error(ErrorKind.Invalid, "too_many_recipients",
                $"A message can have at most {options.Value.MaxRecipients} recipients (To + Cc + Bcc); this one has {recipientCount}. / 宛先（To・Cc・Bcc）は1通あたり{options.Value.MaxRecipients}件までです（現在{recipientCount}件）。");

        var now = time.GetUtcNow().UtcDateTime;
        var subject = input.Subject is { Length: > 0 } s ? s.Trim()
            : original is null ? ticket.Subject
            : original.Subject.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? original.Subject : "Re: " + original.Subject;
        var messageId = $"{Guid.NewGuid():N}@{from.Domain}";
        var mime = OutgoingMime.Build(from, to, cc, subject, input.Text, input.Html, messageId, original, time.GetUtcNow());
        using var buffer = new MemoryStream();
        await mime.WriteToAsync(FormatOptions.Default, buffer, ct);
        if (buffer.Length > options.Value.MaxMessageBytes)
            return new Error(ErrorKind.Invalid, "message_too_large",
                $"A message can be at most {options.Value.MaxMessageBytes:N0} bytes; this one is {buffer.Length:N0}. / メールの大きさは{options.Value.MaxMessageBytes:N0}バイトまでです（現在{buffer.Length:N0}バイト）。");
        var blob = await blobs.PutAsync(buffer.ToArray(), ct);

        var sent = new TicketMessage
        {
            AccountId = ticket.AccountId,
            TicketId = ticket.Id,
            InboxId = ticket.InboxId,
            Direction = MessageDirection.Sent,
            MessageIdHeader = messageId,
            InReplyTo = original?.MessageIdHeader,
            References = OutgoingMime.References(original) is { Count: > 0 } refs ? string.Join(' ', refs) : null,
            Subject = subject.Length <= 1000 ? subject : subject[..1000],
            FromJson = Json([new MailboxAddress(from.DisplayName, from.Address)]),
            ToJson = Json(to),
            CcJson = Json(cc),
            Date = now,
            ReceivedAt = now,
            Text = input.Text,
            Html = input.Html,
            Size = blob.Size,
        };
        var outgoing = new OutgoingMessage
        {
            TicketMessageId = sent.Id,
            AccountId = ticket.AccountId,
            InboxId = ticket.InboxId,
            SendAddressId = from.Id,
            State = SendState.Queued,
            EnvelopeFrom = from.Address,
            Recipients = string.Join('\n', to.Concat(cc).Concat(bcc).Select(a => a.Address)),
            BlobHash = blob.Hash,
            Size = blob.Size,
            QueuedAt = now,
            NextAttemptAt = now,
        };
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            // Claim the ticket (version up in SQL, row held) and read it again: a change made since it was loaded stays.
            if (!await TicketVersions.ClaimAsync(db, ticket.Id, expected: null, ct))
                return Error.NotFound("The ticket");
            await db.Entry(ticket).ReloadAsync(ct);
            db.TicketMessages.Add(sent);
            db.OutgoingMessages.Add(outgoing);
            // Our own replies are found by search too, at once (the postings follow in the background).
            await search.WriteAsync(sent, [], mayExist: false, ct);
            ticket.MessageCount++;
            ticket.LastMessageAt = now;
            ticket.Status = status;
            ticket.StampRetention(now);
            usage.Count(ticket.AccountId, blob.Hash, blob.Size);
            await usage.FlushAsync(ct);
            await transaction.CommitAsync(ct);
        }
        trigger.SendSoon();
        await feed.PublishAsync(new TicketChange(ticket.AccountId, ticket.InboxId, ticket.Id, TicketChangeKind.MessageAdded), ct);
        return OutboxViews.Sent(sent, outgoing);
    }

    private static List<MailboxAddress> Parse(IReadOnlyList<string>? values, out string? bad)
    {
        bad = null;
        var list = new List<MailboxAddress>();
        foreach (var value in values ?? [])
        {
            if (string.IsNullOrWhiteSpace(value))
                continue;
            if (!MailboxAddress.TryParse(value.Trim(), out var address) || !Emails.IsValid(address.Address))
            {
                bad = value;
                return list;
            }
            list.Add(address);
        }
        return list;
    }

    private static string Json(IEnumerable<MailboxAddress> addresses) =>
        JsonSerializer.Serialize(addresses.Select(a => new ParsedAddress(a.Name ?? "", a.Address)).ToList());
}

/// <summary>Builds outgoing MIME: UTF-8 by default; ISO-2022-JP (7-bit, encoded-word headers) when the send address asks
/// for it and every character fits, else UTF-8 after all.</summary>
public static class OutgoingMime
{
    private static readonly Encoding Iso2022Jp = Encoding.GetEncoding("iso-2022-jp", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    public static MimeMessage Build(SendAddress from, IReadOnlyList<MailboxAddress> to, IReadOnlyList<MailboxAddress> cc, string subject,
        string? text, string? html, string messageId, TicketMessage? original, DateTimeOffset date)
    {
        var japanese = from.Iso2022Jp && Fits(subject, from.DisplayName, text ?? "", html ?? "") && to.Concat(cc).All(a => Fits(a.Name ?? ""));
        var encoding = japanese ? Iso2022Jp : Encoding.UTF8;
        var message = new MimeMessage { Date = date, MessageId = messageId };
        message.From.Add(new MailboxAddress(encoding, from.DisplayName, from.Address));
        foreach (var a in to)
            message.To.Add(new MailboxAddress(encoding, a.Name, a.Address));
        foreach (var a in cc)
            message.Cc.Add(new MailboxAddress(encoding, a.Name, a.Address));
        message.Headers.Replace(HeaderId.Subject, encoding, subject);
        if (original is not null)
        {
            message.InReplyTo = original.MessageIdHeader;
            foreach (var id in References(original))
                message.References.Add(id);
        }
        var plain = new TextPart("plain");
        plain.SetText(encoding, text ?? "");
        if (html is null)
            message.Body = plain;
        else
        {
            var rich = new TextPart("html");
            rich.SetText(encoding, html);
            message.Body = new MultipartAlternative { plain, rich };
        }
        message.Prepare(EncodingConstraint.SevenBit);
        return message;
    }

    /// <summary>The original's References (or its In-Reply-To) followed by its own Message-ID.</summary>
    public static List<string> References(TicketMessage? original)
    {
        if (original is null)
            return [];
        var ids = original.References?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList()
            ?? (original.InReplyTo is { } parent ? [parent] : []);
        ids.Add(original.MessageIdHeader);
        return ids;
    }

    private static bool Fits(params string[] values)
    {
        try
        {
            foreach (var v in values)
                _ = Iso2022Jp.GetByteCount(v);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }
}
