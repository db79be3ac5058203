using Madoguchi.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Tickets.Comments;

/// <summary>コメント: an internal note on a ticket, never sent. The author's name is copied so it reads right after the
/// user is deleted.</summary>
public sealed class TicketComment
{
    public const int MaxLength = 1000;

    public Guid Id { get; init; } = Ids.New();
    public Guid AccountId { get; init; }
    public Guid TicketId { get; init; }
    public Guid? AuthorUserId { get; init; }
    public required string AuthorName { get; init; }
    public required string Body { get; init; }
    public DateTime CreatedAt { get; init; }
}

internal sealed class TicketCommentConfiguration : IEntityTypeConfiguration<TicketComment>
{
    public void Configure(EntityTypeBuilder<TicketComment> builder)
    {
        builder.Property(c => c.AuthorName).HasMaxLength(300);
        builder.Property(c => c.Body).HasMaxLength(TicketComment.MaxLength);
        builder.HasIndex(c => new { c.TicketId, c.CreatedAt });
        builder.HasOne<Ticket>().WithMany().HasForeignKey(c => c.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}
