using Madoguchi.Core.Common;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Sending.Drafts;

/// <summary>A reply being written (下書き), saved as its author types and visible to everyone who sees the ticket. Sending
/// the reply from it (<see cref="ReplyInput.DraftId"/>) removes it in the same transaction. <see cref="StartedAt"/> is
/// when the author began: a reply sent on the ticket after it makes sending ask for confirmation
/// (<see cref="SentMeanwhile"/>). <see cref="Version"/> grows with each save; a save naming an older one is refused.</summary>
public sealed class ReplyDraft
{
    public const int MaxText = 200_000;
    public const int MaxAddresses = 20_000;

    public Guid Id { get; init; } = Ids.New();
    public Guid AccountId { get; init; }
    public Guid InboxId { get; set; }
    public Guid TicketId { get; init; }
    public Guid AuthorUserId { get; init; }
    public Guid? SendAddressId { get; set; }

    /// <summary>To, Cc and Bcc as typed, one address a line.</summary>
    public string To { get; set; } = "";

    public string Cc { get; set; } = "";
    public string Bcc { get; set; } = "";
    public string? Subject { get; set; }
    public string Text { get; set; } = "";
    public TicketStatus? StatusAfter { get; set; }
    public Guid? PendingReasonId { get; set; }
    public int Version { get; set; } = 1;
    public DateTime StartedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class ReplyDraftConfiguration : IEntityTypeConfiguration<ReplyDraft>
{
    public void Configure(EntityTypeBuilder<ReplyDraft> builder)
    {
        builder.HasKey(d => d.Id);
        builder.Property(d => d.To).HasMaxLength(ReplyDraft.MaxAddresses);
        builder.Property(d => d.Cc).HasMaxLength(ReplyDraft.MaxAddresses);
        builder.Property(d => d.Bcc).HasMaxLength(ReplyDraft.MaxAddresses);
        builder.Property(d => d.Subject).HasMaxLength(1000);
        builder.Property(d => d.Text).HasMaxLength(ReplyDraft.MaxText);
        builder.Property(d => d.StatusAfter).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.Version).IsConcurrencyToken();
        builder.HasIndex(d => d.TicketId);
        builder.HasIndex(d => d.AuthorUserId);
        builder.HasOne<Ticket>().WithMany().HasForeignKey(d => d.TicketId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Accounts.Users.User>().WithMany().HasForeignKey(d => d.AuthorUserId).OnDelete(DeleteBehavior.Cascade);
    }
}
