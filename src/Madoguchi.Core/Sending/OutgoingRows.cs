using Madoguchi.Core.Common;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets;
using MimeKit;

namespace Madoguchi.Core.Sending;

/// <summary>One outgoing mail after <see cref="OutgoingChecks"/>, as replies (<see cref="QueueReplyCommand"/>), new mail
/// (<see cref="Compose.QueueNewMailCommand"/>) and resubmitted replies (<see cref="ResubmitReplyCommand"/>) write it: its
/// MIME stored durably as a blob first, then the ticket's <see cref="MessageDirection.Sent"/> message and its outbox row.</summary>
internal sealed record OutgoingRows(SendAddress From, IReadOnlyList<MailboxAddress> To, IReadOnlyList<MailboxAddress> Cc, IReadOnlyList<MailboxAddress> Bcc,
    string Subject, string? Text, string? Html, string MessageId, TicketMessage? Original)
{
    private const int MaxSubject = 1000;

    /// <summary>A new Message-ID on the From address's domain.</summary>
    public static string NewMessageId(SendAddress from) => $"{Guid.NewGuid():N}@{from.Domain}";

    /// <summary>Every envelope recipient (To, Cc and Bcc), one a line, as the outbox row keeps them.</summary>
    public string Recipients => string.Join('\n', To.Concat(Cc).Concat(Bcc).Select(a => a.Address));

    /// <summary>Builds the MIME message, checks its size against the limit and stores its exact bytes (durable before any row
    /// points at them).</summary>
    public async Task<Result<BlobRef>> StoreAsync(IBlobStore blobs, SendingOptions options, DateTimeOffset date, IReadOnlyList<OutgoingAttachment>? attachments,
        CancellationToken ct)
    {
        var mime = OutgoingMime.Build(From, To, Cc, Subject, Text, Html, MessageId, Original, date, attachments);
        using var buffer = new MemoryStream();
        await mime.WriteToAsync(FormatOptions.Default, buffer, ct);
        if (OutgoingChecks.CheckSize(buffer.Length, options) is { } tooLarge)
            return tooLarge;
        return await blobs.PutAsync(buffer.ToArray(), ct);
    }

    /// <summary>The sent message as the ticket shows it (threaded on <see cref="Original"/> when there is one).</summary>
    public TicketMessage Message(Ticket ticket, BlobRef blob, DateTime now) => new()
    {
        AccountId = ticket.AccountId,
        TicketId = ticket.Id,
        InboxId = ticket.InboxId,
        Direction = MessageDirection.Sent,
        MessageIdHeader = MessageId,
        InReplyTo = Original?.MessageIdHeader,
        References = OutgoingMime.References(Original) is { Count: > 0 } refs ? string.Join(' ', refs) : null,
        Subject = Subject.Length <= MaxSubject ? Subject : Subject[..MaxSubject],
        FromJson = OutgoingChecks.Json([new MailboxAddress(From.DisplayName, From.Address)]),
        ToJson = OutgoingChecks.Json(To),
        CcJson = OutgoingChecks.Json(Cc),
        Date = now,
        ReceivedAt = now,
        Text = Text,
        Html = Html,
        Size = blob.Size,
    };

    /// <summary>The outbox row of <paramref name="sent"/>: queued, or 承認待ち with the status its author chose for the
    /// ticket when <paramref name="needsApproval"/>.</summary>
    public OutgoingMessage Outbox(TicketMessage sent, BlobRef blob, DateTime now, Guid authorId, bool needsApproval, TicketStatus status, Guid? reasonId) => new()
    {
        TicketMessageId = sent.Id,
        AccountId = sent.AccountId,
        InboxId = sent.InboxId,
        SendAddressId = From.Id,
        State = needsApproval ? SendState.AwaitingApproval : SendState.Queued,
        EnvelopeFrom = From.Address,
        Recipients = Recipients,
        BlobHash = blob.Hash,
        Size = blob.Size,
        QueuedAt = now,
        NextAttemptAt = now,
        AuthorUserId = authorId,
        StatusAfter = needsApproval ? status : null,
        PendingReasonIdAfter = needsApproval ? reasonId : null,
    };
}
