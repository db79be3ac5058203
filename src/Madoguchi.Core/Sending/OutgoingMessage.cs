using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Sending;

/// <summary>送信待ち queued → 送信中 sending → 送信済み sent | 送信エラー failed; a queued message can be cancelled.</summary>
public enum SendState
{
    Queued,
    Sending,
    Sent,
    Failed,
    Cancelled,
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
        // The worker's question: what is due now?
        builder.HasIndex(o => new { o.State, o.NextAttemptAt });
        builder.HasIndex(o => o.InboxId);
        builder.HasOne<TicketMessage>().WithOne().HasForeignKey<OutgoingMessage>(o => o.TicketMessageId).OnDelete(DeleteBehavior.Cascade);
    }
}
