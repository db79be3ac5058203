using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Sending;

/// <summary>送信待ち queued → 送信中 sending → 送信済み sent | 送信エラー failed; a queued message can be cancelled. An
/// アシスタント's reply starts as 承認待ち awaiting approval: a マネージャー approves it (→ queued) or sends it back (差し戻し,
/// rejected). Stored by name, so new states never renumber old rows.</summary>
public enum SendState
{
    Queued,
    Sending,
    Sent,
    Failed,
    Cancelled,
    AwaitingApproval,
    Rejected,
}

/// <summary>The outbox row of one sent <see cref="TicketMessage"/>: what is left to do to deliver it to the SMTP server
/// and what happened last. The message's exact bytes are a blob (<see cref="BlobHash"/>), written before this row.</summary>
public sealed class OutgoingMessage
{
    public Guid TicketMessageId { get; init; }
    public Guid AccountId { get; init; }
    public Guid InboxId { get; init; }
    public Guid SendAddressId { get; set; }
    public SendState State { get; set; }

    /// <summary>MAIL FROM.</summary>
    public required string EnvelopeFrom { get; init; }

    /// <summary>RCPT TO: To, Cc and Bcc, newline-separated (Bcc appears nowhere else).</summary>
    public required string Recipients { get; init; }

    public required string BlobHash { get; init; }
    public long Size { get; init; }

    /// <summary>When it was queued (again, after 再送信): retries stop <c>RetryFor</c> after this.</summary>
    public DateTime QueuedAt { get; set; }

    public DateTime NextAttemptAt { get; set; }
    public int Attempts { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public DateTime? SentAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseUntil { get; set; }

    /// <summary>The last failure (also while queued for a retry): a <see cref="SendErrorCode"/> and the server's reply verbatim.</summary>
    public string? ErrorCode { get; set; }

    public string? ServerReply { get; set; }

    /// <summary>The user who wrote the reply (a rejected reply goes back to them); null when the user is gone.</summary>
    public Guid? AuthorUserId { get; init; }

    /// <summary>承認待ち only: the ticket status (and 保留理由) the author chose, set when a manager approves.</summary>
    public TicketStatus? StatusAfter { get; set; }

    public Guid? PendingReasonIdAfter { get; set; }

    /// <summary>VERP only: the token of this message's envelope sender (<c>local+m-token@domain</c>), made at its first
    /// attempt and kept for every retry, so a bounce to it finds this message (<see cref="Verp"/>).</summary>
    public string? VerpToken { get; set; }
}

internal sealed class OutgoingMessageConfiguration : IEntityTypeConfiguration<OutgoingMessage>
{
    public void Configure(EntityTypeBuilder<OutgoingMessage> builder)
    {
        builder.HasKey(o => o.TicketMessageId);
        builder.Property(o => o.State).HasConversion<string>().HasMaxLength(20);
        builder.Property(o => o.EnvelopeFrom).HasMaxLength(320);
        builder.Property(o => o.Recipients).HasMaxLength(100_000);
        builder.Property(o => o.BlobHash).HasMaxLength(64);
        builder.Property(o => o.LeaseOwner).HasMaxLength(200);
        builder.Property(o => o.ErrorCode).HasMaxLength(50);
        builder.Property(o => o.ServerReply).HasMaxLength(2000);
        builder.Property(o => o.StatusAfter).HasConversion<string>().HasMaxLength(20);
        // The worker's question: what is due now?
        builder.HasIndex(o => new { o.State, o.NextAttemptAt });
        builder.HasIndex(o => o.InboxId);
        builder.Property(o => o.VerpToken).HasMaxLength(Verp.TokenLength);
        builder.HasIndex(o => o.VerpToken).IsUnique();
        builder.HasOne<TicketMessage>().WithOne().HasForeignKey<OutgoingMessage>(o => o.TicketMessageId).OnDelete(DeleteBehavior.Cascade);
    }
}
