using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Sending.SentCopies;

/// <summary>待機 pending → 保存中 appending → 保存済み done | 保存できず failed (gave up after <c>RetryFor</c>). Stored by name.</summary>
public enum SentCopyState
{
    Pending,
    Appending,
    Done,
    Failed,
}

/// <summary>The copy of one sent message in the mailbox's Sent folder (IMAP APPEND), and the durable marker that it is made
/// once: the row is written when the SMTP server accepted the message (<see cref="SentCopyScheduler"/>), claimed with a
/// lease like the outbox, and <see cref="SentCopyState.Done"/> is never appended again. It never changes the message's
/// send state: a message stays 送信済み whatever happens here.</summary>
public sealed class SentFolderCopy
{
    public Guid TicketMessageId { get; init; }
    public Guid AccountId { get; init; }
    public Guid InboxId { get; init; }
    public Guid SendAddressId { get; init; }
    public SentCopyState State { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime NextAttemptAt { get; set; }
    public int Attempts { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public DateTime? DoneAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }

    /// <summary>The folder the copy went to (or was looked for in).</summary>
    public string? Folder { get; set; }

    /// <summary>The last failure (also while retrying): a <see cref="SentCopyErrors"/> code and a detail that may quote the IMAP server.</summary>
    public string? ErrorCode { get; set; }

    public string? ErrorDetail { get; set; }
}

internal sealed class SentFolderCopyConfiguration : IEntityTypeConfiguration<SentFolderCopy>
{
    public void Configure(EntityTypeBuilder<SentFolderCopy> builder)
    {
        builder.HasKey(c => c.TicketMessageId);
        builder.Property(c => c.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.LeaseOwner).HasMaxLength(200);
        builder.Property(c => c.Folder).HasMaxLength(200);
        builder.Property(c => c.ErrorCode).HasMaxLength(50);
        builder.Property(c => c.ErrorDetail).HasMaxLength(2000);
        // The worker's question (what is due?) and 送信設定's (how did this address's last copy go?).
        builder.HasIndex(c => new { c.State, c.NextAttemptAt });
        builder.HasIndex(c => new { c.SendAddressId, c.LastAttemptAt });
        builder.HasOne<TicketMessage>().WithOne().HasForeignKey<SentFolderCopy>(c => c.TicketMessageId).OnDelete(DeleteBehavior.Cascade);
    }
}
