using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Tickets.Counts;

/// <summary>One change to how many tickets of a bucket (inbox, place, status) carry a label: +1 or −1 written by the
/// database's own triggers (a label put on or taken off a ticket, a labelled ticket changing bucket or being deleted), or a
/// folded sum written by <see cref="CompactTicketBucketCountsCommand"/>. A label tab's total is the SUM of its rows, so
/// it costs a few rows instead of probing every ticket of the bucket; insert-only like <see cref="TicketBucketDelta"/>.
/// See <c>Tickets/README.md</c>, "Counts".</summary>
public sealed class TicketLabelDelta
{
    public long Id { get; init; }
    public Guid InboxId { get; init; }
    public Guid LabelId { get; init; }
    public TicketPlace Place { get; init; }
    public TicketStatus Status { get; init; }
    public int Delta { get; init; }
}

internal sealed class TicketLabelDeltaConfiguration : IEntityTypeConfiguration<TicketLabelDelta>
{
    public void Configure(EntityTypeBuilder<TicketLabelDelta> builder)
    {
        // No foreign keys, for the same reason as the bucket counts: cascades leave rows that sum to zero.
        builder.ToTable("TicketLabelCounts");
        builder.Property(d => d.Id).ValueGeneratedOnAdd();
        // Covering: a label tab's sum is an index range read; compaction reads one inbox's rows.
        builder.HasIndex(d => new { d.InboxId, d.LabelId, d.Place, d.Status, d.Delta });
    }
}
