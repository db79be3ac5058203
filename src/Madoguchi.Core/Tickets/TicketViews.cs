using System.Text.Json;
using Madoguchi.Core.Receiving.Parsing;

namespace Madoguchi.Core.Tickets;

public sealed record AddressView(string Name, string Address)
{
    internal static IReadOnlyList<AddressView> FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<List<ParsedAddress>>(json)?.Select(a => new AddressView(a.Name, a.Address)).ToList() ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}

/// <summary>One row of a ticket list.</summary>
public sealed record TicketListItem(
    Guid Id, Guid InboxId, string Subject, TicketStatus Status, TicketPlace Place, int MessageCount,
    DateTime LastMessageAt, DateTime CreatedAt, AddressView From,
    Guid? AssigneeId, Guid? PendingReasonId, IReadOnlyList<Guid> LabelIds, int Version)
{
    /// <summary>Whether a message of the ticket carries a file (not counting inline images); filled in by lists.</summary>
    public bool HasAttachments { get; init; }

    /// <summary>Whether the reading user has not opened the ticket since its newest message; filled in by lists.</summary>
    public bool Unread { get; init; }

    internal static TicketListItem Of(Ticket t, IReadOnlyList<Guid> labelIds) => new(
        t.Id, t.InboxId, t.Subject, t.Status, t.Place, t.MessageCount, t.LastMessageAt, t.CreatedAt, new AddressView(t.FromName, t.FromAddress),
        t.AssigneeId, t.PendingReasonId, labelIds, t.Version);
}

public sealed record TicketDetail(
    Guid Id, Guid InboxId, string Subject, TicketStatus Status, TicketPlace Place, int MessageCount,
    DateTime LastMessageAt, DateTime CreatedAt, IReadOnlyList<TicketMessageView> Messages,
    Guid? AssigneeId, Guid? PendingReasonId, IReadOnlyList<Guid> LabelIds, int Version);

public sealed record AutoReplyView(bool Automatic, IReadOnlyList<string> Signals, string? AutoSubmitted);

public sealed record AttachmentView(Guid Id, string FileName, string ContentType, long Size, string? ContentId, bool Inline, string Url);

/// <summary>One message as a reader sees it. <see cref="Html"/> is already sanitized; <see cref="HasBlockedImages"/> says
/// whether remote images were held back (offer "画像を表示").</summary>
public sealed record TicketMessageView(
    Guid Id, MessageDirection Direction, string MessageId, string Subject, AddressView? From, IReadOnlyList<AddressView> To,
    IReadOnlyList<AddressView> Cc, DateTime Date, DateTime ReceivedAt, string? Text, string? Html, bool HasBlockedImages,
    IReadOnlyList<AttachmentView> Attachments, string? ReadProblem, AutoReplyView AutoReply, bool SpamFlagged, long Size, string RawUrl,
    bool IsBounceReport = false, Bounces.MessageBounce? Bounce = null,
    string? SendState = null, Sending.SendErrorView? SendError = null, DateTime? NextAttemptAt = null,
    Sending.SentCopies.SentCopyView? SentCopy = null);

/// <summary>Where the web layer serves a message's parts; Core builds views with it and knows no routes.</summary>
public interface ITicketUrls
{
    /// <summary>A download link (Content-Disposition: attachment).</summary>
    string Attachment(Guid messageId, Guid attachmentId);

    /// <summary>Where a cid: image of the HTML body loads from (shown inline when it is a plain raster image).</summary>
    string Inline(Guid messageId, Guid attachmentId);

    string Raw(Guid messageId);
}
