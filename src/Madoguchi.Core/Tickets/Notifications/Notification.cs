using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Tickets.Notifications;

public enum NotificationKind
{
    /// <summary>Named with @mentionName or @all in a comment.</summary>
    Mention,

    /// <summary>Made 担当者 of a ticket by someone else.</summary>
    Assigned,
}

/// <summary>One entry under a user's bell.</summary>
public sealed class Notification
{
    public Guid Id { get; init; } = Ids.New();
    public Guid AccountId { get; init; }
    public Guid UserId { get; init; }
    public Guid TicketId { get; init; }
    public NotificationKind Kind { get; init; }
    public required string ActorName { get; init; }

    /// <summary>The ticket's subject, or the comment's start for a mention.</summary>
    public required string Text { get; init; }

    public DateTime CreatedAt { get; init; }
    public DateTime? ReadAt { get; set; }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.Property(n => n.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(n => n.ActorName).HasMaxLength(300);
        builder.Property(n => n.Text).HasMaxLength(300);
        builder.HasIndex(n => new { n.UserId, n.ReadAt, n.CreatedAt });
        builder.HasOne<User>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Ticket>().WithMany().HasForeignKey(n => n.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}
