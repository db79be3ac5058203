using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Tickets.Counts;

/// <summary>One change to how many tickets a bucket (inbox, place, status, 保留理由) holds: +1 or −1 written by the
/// database's own triggers on <c>Tickets</c> (insert, update of one of the four columns, delete), or a folded sum written
/// by <see cref="CompactTicketBucketCountsCommand"/>. The count of a bucket is the SUM of its rows. Rows are only ever
/// inserted by writers (never updated), so concurrent writers of the same bucket never wait for each other and two bulk
/// moves in opposite directions cannot deadlock on a counter; see <c>Tickets/README.md</c>, "Counts".</summary>
public sealed class TicketBucketDelta
{
    public long Id { get; init; }
    public Guid InboxId { get; init; }
    public TicketPlace Place { get; init; }
    public TicketStatus Status { get; init; }
    public Guid? PendingReasonId { get; init; }
    public int Delta { get; init; }
}

internal sealed class TicketBucketDeltaConfiguration : IEntityTypeConfiguration<TicketBucketDelta>
{
    public void Configure(EntityTypeBuilder<TicketBucketDelta> builder)
    {
        // No foreign keys: a cascade that deletes an inbox's tickets fires the delete trigger after the inbox row is gone;
        // the rows it leaves sum to zero and the next compaction drops them.
        builder.ToTable("TicketBucketCounts");
        builder.Property(d => d.Id).ValueGeneratedOnAdd();
        // Covering: a bucket's sum is an index range read on both databases.
        builder.HasIndex(d => new { d.InboxId, d.Place, d.Status, d.PendingReasonId, d.Delta });
    }
}
