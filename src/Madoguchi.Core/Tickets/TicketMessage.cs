using Madoguchi.Core.Common;
using Madoguchi.Core.Receiving.Parsing;
using Madoguchi.Core.Receiving.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Tickets;

/// <summary>メッセージ: one received or sent email of a ticket, as the pipeline read it from its original.
/// The original bytes stay in the blob store (<see cref="RawMessageId"/>); everything here can be rebuilt from them.</summary>
public sealed class TicketMessage
{
    public Guid Id { get; init; } = Ids.New();
    public Guid AccountId { get; init; }
    public Guid TicketId { get; set; }
    public Guid InboxId { get; set; }

    /// <summary>The stored original; unique, so re-running the pipeline replaces rather than duplicates. Null only for
    /// messages that never had an original of ours (none yet).</summary>
    public Guid? RawMessageId { get; init; }

    public MessageDirection Direction { get; init; }

    /// <summary>Message-ID without angle brackets (synthesized from the bytes when missing); the threading key.</summary>
    public required string MessageIdHeader { get; set; }

    public string? InReplyTo { get; set; }

    /// <summary>The References header's ids, space-separated, without angle brackets.</summary>
    public string? References { get; set; }

    public string Subject { get; set; } = "";

    /// <summary>Address lists as JSON arrays of {"Name","Address"}: shown, never queried.</summary>
    public string FromJson { get; set; } = "[]";

    public string ToJson { get; set; } = "[]";
    public string CcJson { get; set; } = "[]";

    /// <summary>Reply-To as received (JSON like <see cref="FromJson"/>): where a reply goes when present.</summary>
    public string ReplyToJson { get; set; } = "[]";

    /// <summary>The Date header (UTC), or the receive time when it is missing or unreadable.</summary>
    public DateTime Date { get; set; }

    public DateTime ReceivedAt { get; set; }

    public string? Text { get; set; }

    /// <summary>The decoded HTML body as sent: unsafe. Sanitized at read time, with the reader's remote-image choice.</summary>
    public string? Html { get; set; }

    /// <summary>Null when the message was read completely; otherwise why it could not be (shown as a banner).</summary>
    public string? ReadProblem { get; set; }

    public AutoReplySignals AutoReplySignals { get; set; }

    /// <summary>The Auto-Submitted header's value when present (auto-replied, auto-generated …).</summary>
    public string? AutoSubmitted { get; set; }

    public bool SpamFlagged { get; set; }

    /// <summary>Bytes of the original: what the message costs the account's storage.</summary>
    public long Size { get; set; }

    public List<TicketAttachment> Attachments { get; init; } = [];

    /// <summary>This received message is a delivery failure report (bounce). When it matched a message we sent it joined
    /// that message's ticket; otherwise it opened a ticket of its own, marked by this flag.</summary>
    public bool IsBounceReport { get; set; }

    /// <summary>On a sent message that bounced: JSON {"recipients":[{"address","status","reason","hardbounce"}],"receivedAt"}
    /// from the latest report about it (<see cref="Bounces.MessageBounce"/>). Null when no report came back.</summary>
    public string? BounceJson { get; set; }

    public bool IsAutomatic => AutoReplySignals != AutoReplySignals.None;
}

/// <summary>One attachment or inline part of a message. Its decoded bytes are a blob of their own (content-addressed, so
/// the same file sent ten times is stored once): downloads stream the blob instead of re-parsing the whole original.</summary>
public sealed class TicketAttachment
{
    public Guid Id { get; init; } = Ids.New();
    public Guid TicketMessageId { get; init; }

    /// <summary>Position among the message's attachments, as the parser listed them.</summary>
    public int PartIndex { get; init; }

    public required string FileName { get; init; }
    public required string ContentType { get; init; }
    public long Size { get; init; }

    /// <summary>Content-ID without brackets, for cid: references in the HTML body.</summary>
    public string? ContentId { get; init; }

    public bool IsInline { get; init; }
    public required string BlobHash { get; init; }
}

internal sealed class TicketMessageConfiguration : IEntityTypeConfiguration<TicketMessage>
{
    public void Configure(EntityTypeBuilder<TicketMessage> builder)
    {
        builder.Property(m => m.MessageIdHeader).HasMaxLength(998);
        builder.Property(m => m.InReplyTo).HasMaxLength(998);
        builder.Property(m => m.Subject).HasMaxLength(1000);
        builder.Property(m => m.AutoSubmitted).HasMaxLength(200);
        builder.Property(m => m.ReadProblem).HasMaxLength(2000);
        builder.Ignore(m => m.IsAutomatic);
        // Threading: "is this Message-ID already in the inbox?" is one index seek.
        builder.HasIndex(m => new { m.InboxId, m.MessageIdHeader });
        builder.HasIndex(m => new { m.TicketId, m.Date });
        // Search sorted by date reads an account's messages newest first (NewestMatchesWalk).
        builder.HasIndex(m => new { m.AccountId, m.Date, m.Id });
        builder.HasIndex(m => m.RawMessageId).IsUnique();
        builder.HasOne<Ticket>().WithMany().HasForeignKey(m => m.TicketId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<RawMessage>().WithMany().HasForeignKey(m => m.RawMessageId).OnDelete(DeleteBehavior.NoAction);
        builder.HasMany(m => m.Attachments).WithOne().HasForeignKey(a => a.TicketMessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TicketAttachmentConfiguration : IEntityTypeConfiguration<TicketAttachment>
{
    public void Configure(EntityTypeBuilder<TicketAttachment> builder)
    {
        builder.Property(a => a.FileName).HasMaxLength(1000);
        builder.Property(a => a.ContentType).HasMaxLength(200);
        builder.Property(a => a.ContentId).HasMaxLength(998);
        builder.Property(a => a.BlobHash).HasMaxLength(64);
        builder.HasIndex(a => a.TicketMessageId);
        // Deleting mail: is an attachment blob still used by another message?
        builder.HasIndex(a => a.BlobHash);
    }
}
