using Madoguchi.Core.Common;
using Madoguchi.Core.Inboxes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Tickets.Labels;

/// <summary>ラベル of one inbox, in up to three levels (parent › child › grandchild), with a colour.</summary>
public sealed class Label
{
    public const int MaxDepth = 3;
    public const int MaxNameLength = 100;

    public Guid Id { get; init; } = Ids.New();
    public Guid AccountId { get; init; }
    public Guid InboxId { get; init; }
    public Guid? ParentId { get; set; }
    public required string Name { get; set; }

    /// <summary>A CSS colour as <c>#rrggbb</c>.</summary>
    public required string Color { get; set; }
}

/// <summary>A label put on a ticket.</summary>
public sealed class TicketLabel
{
    public Guid TicketId { get; init; }
    public Guid LabelId { get; init; }
}

/// <summary>保留理由: why a ticket is parked, per inbox, at most <see cref="MaxPerInbox"/>.</summary>
public sealed class PendingReason
{
    public const int MaxPerInbox = 10;

    public Guid Id { get; init; } = Ids.New();
    public Guid AccountId { get; init; }
    public Guid InboxId { get; init; }
    public required string Name { get; set; }
    public int Position { get; set; }
}

internal sealed class LabelConfiguration : IEntityTypeConfiguration<Label>
{
    public void Configure(EntityTypeBuilder<Label> builder)
    {
        builder.Property(l => l.Name).HasMaxLength(Label.MaxNameLength);
        builder.Property(l => l.Color).HasMaxLength(7);
        builder.HasIndex(l => new { l.InboxId, l.ParentId });
        builder.HasOne<Inbox>().WithMany().HasForeignKey(l => l.InboxId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Label>().WithMany().HasForeignKey(l => l.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TicketLabelConfiguration : IEntityTypeConfiguration<TicketLabel>
{
    public void Configure(EntityTypeBuilder<TicketLabel> builder)
    {
        builder.HasKey(x => new { x.TicketId, x.LabelId });
        // "Tickets with this label": one seek per label.
        builder.HasIndex(x => new { x.LabelId, x.TicketId });
        builder.HasOne<Ticket>().WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Label>().WithMany().HasForeignKey(x => x.LabelId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PendingReasonConfiguration : IEntityTypeConfiguration<PendingReason>
{
    public void Configure(EntityTypeBuilder<PendingReason> builder)
    {
        builder.Property(r => r.Name).HasMaxLength(100);
        builder.HasIndex(r => new { r.InboxId, r.Position });
        builder.HasOne<Inbox>().WithMany().HasForeignKey(r => r.InboxId).OnDelete(DeleteBehavior.Cascade);
    }
}
