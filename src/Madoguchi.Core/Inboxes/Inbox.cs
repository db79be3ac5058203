using System.Text.RegularExpressions;
using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Inboxes;

/// <summary>One support address (受信箱) of an account.</summary>
public sealed partial class Inbox
{
    public Guid Id { get; init; } = Ids.New();
    public Guid AccountId { get; init; }
    public required string Name { get; set; }

    /// <summary>CSS hex colour shown beside the inbox name, e.g. "#1e88e5".</summary>
    public required string Colour { get; set; }

    public DateTime CreatedAt { get; init; }

    /// <summary>When set, 対応完了 and 対応不要 tickets are deleted for good this many days after they were closed
    /// (at least <see cref="Retention.InboxRetentionRules.MinimumAutoDeleteDays"/>). Null: kept.</summary>
    public int? AutoDeleteClosedAfterDays { get; set; }

    public static bool IsValidColour(string? colour) => colour is not null && ColourPattern().IsMatch(colour);

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex ColourPattern();
}

/// <summary>A user's role on one inbox. No row means 権限なし.</summary>
public sealed class InboxRoleAssignment
{
    public Guid InboxId { get; init; }
    public Guid UserId { get; init; }
    public InboxRole Role { get; set; }
}

internal sealed class InboxConfiguration : IEntityTypeConfiguration<Inbox>
{
    public void Configure(EntityTypeBuilder<Inbox> builder)
    {
        builder.Property(i => i.Name).HasMaxLength(100);
        builder.Property(i => i.Colour).HasMaxLength(7);
        builder.HasIndex(i => i.AccountId);
        builder.HasOne<Account>().WithMany().HasForeignKey(i => i.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InboxRoleAssignmentConfiguration : IEntityTypeConfiguration<InboxRoleAssignment>
{
    public void Configure(EntityTypeBuilder<InboxRoleAssignment> builder)
    {
        builder.HasKey(r => new { r.InboxId, r.UserId });
        builder.HasIndex(r => r.UserId);
        builder.HasOne<Inbox>().WithMany().HasForeignKey(r => r.InboxId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Accounts.Users.User>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
