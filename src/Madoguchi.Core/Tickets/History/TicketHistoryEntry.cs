using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Tickets.History;

/// <summary>What changed on a ticket. Stored by name.</summary>
public enum TicketChangeField
{
    Status,
    PendingReason,
    Assignee,
    Labels,
    Place,
    Inbox,
    Comment,

    /// <summary>A reply's way through approval (承認待ち, 差し戻し, 書き直して再提出): its send state from and to.</summary>
    Reply,
}

/// <summary>One line of a ticket's history: who changed what from which value to which, when. Values are copied as the
/// reader saw them (names, not ids), so the line still reads right after a label or user is gone.</summary>
public sealed class TicketHistoryEntry
{
    public long Id { get; init; }
    public Guid AccountId { get; init; }
    public Guid TicketId { get; init; }
    public DateTime At { get; init; }
    public Guid? ActorUserId { get; init; }
    public required string ActorName { get; init; }
    public TicketChangeField Field { get; init; }
    public string? From { get; init; }
    public string? To { get; init; }
}

internal sealed class TicketHistoryEntryConfiguration : IEntityTypeConfiguration<TicketHistoryEntry>
{
    public void Configure(EntityTypeBuilder<TicketHistoryEntry> builder)
    {
        builder.Property(e => e.Field).HasConversion<string>().HasMaxLength(20);
        builder.Property(e => e.ActorName).HasMaxLength(300);
        builder.Property(e => e.From).HasMaxLength(1000);
        builder.Property(e => e.To).HasMaxLength(1000);
        builder.HasIndex(e => new { e.TicketId, e.Id });
        builder.HasOne<Ticket>().WithMany().HasForeignKey(e => e.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}
