using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Inboxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Receiving.Storage;

/// <summary>One fetched original, recorded before any parsing: which inbox, where on the server it came from, and the
/// blob holding its exact bytes. The inbound pipeline turns it into a ticket message later and can re-run on it.</summary>
public sealed class RawMessage
{
    public Guid Id { get; init; } = Ids.New();
    public Guid AccountId { get; init; }
    public Guid InboxId { get; init; }

    /// <summary>The receive server it came from; null for messages imported another way.</summary>
    public Guid? ReceiveServerId { get; init; }

    /// <summary>SHA-256 of the original bytes: the blob's address.</summary>
    public required string BlobHash { get; init; }
    public long Size { get; init; }

    /// <summary>The Message-ID header as found (trimmed, without angle brackets), for duplicate detection across servers.</summary>
    public string? MessageIdHeader { get; init; }
    public DateTime ReceivedAt { get; init; }

    /// <summary>Order of arrival, given when the fetch commits: increases with every commit, and within one commit follows
    /// the server's order (IMAP UID in the folder, POP3 message number). The pipeline processes originals in this order,
    /// so a reply is always threaded after the message it answers when the server had them in that order, however the
    /// originals are batched. 0 for originals stored before it existed (they sort first, by ReceivedAt then Id).</summary>
    public long Sequence { get; init; }

    /// <summary>IMAP origin: folder, UIDVALIDITY and UID.</summary>
    public string? Folder { get; init; }
    public long? UidValidity { get; init; }
    public long? Uid { get; init; }

    /// <summary>POP3 origin: the server's UIDL.</summary>
    public string? Uidl { get; init; }

    /// <summary>The receive server's <c>MailboxGeneration</c> when it was fetched: positions (UID, UIDL) are unique per mailbox.</summary>
    public int MailboxGeneration { get; init; }

    /// <summary>Set when the inbound pipeline has turned it into a ticket message; null means waiting.</summary>
    public DateTime? ProcessedAt { get; set; }

    /// <summary>Why the last pipeline run failed, for the reprocess command and the operator.</summary>
    public string? ProcessingError { get; set; }

    /// <summary>Set when its message was deleted (retention, ゴミ箱を空にする, a delete): the bytes are gone, the row stays
    /// as a tombstone so the original's server position and duplicate check still hold and it is never fetched again.</summary>
    public DateTime? DeletedAt { get; set; }
}

internal sealed class RawMessageConfiguration : IEntityTypeConfiguration<RawMessage>
{
    public void Configure(EntityTypeBuilder<RawMessage> builder)
    {
        builder.Property(m => m.BlobHash).HasMaxLength(64);
        builder.Property(m => m.MessageIdHeader).HasMaxLength(998);
        builder.Property(m => m.Folder).HasMaxLength(500);
        builder.Property(m => m.Uidl).HasMaxLength(200);
        builder.Property(m => m.ProcessingError).HasMaxLength(2000);
        builder.HasIndex(m => new { m.ReceiveServerId, m.MailboxGeneration, m.Folder, m.UidValidity, m.Uid }).IsUnique();
        builder.HasIndex(m => new { m.ReceiveServerId, m.MailboxGeneration, m.Uidl }).IsUnique();
        // Two servers delivering the same message (same Message-ID, same bytes) store it once: unique, so a race
        // between two fetchers ends in a unique violation that the loser reads as "already stored".
        builder.HasIndex(m => new { m.InboxId, m.BlobHash }).IsUnique();
        builder.HasIndex(m => m.ProcessedAt);
        builder.HasIndex(m => m.Sequence);
        // Deleting mail: is a blob still used by a live original (of any account)?
        builder.HasIndex(m => m.BlobHash);
        builder.HasOne<Account>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Inbox>().WithMany().HasForeignKey(m => m.InboxId).OnDelete(DeleteBehavior.Cascade);
    }
}
