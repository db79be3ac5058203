using Madoguchi.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Bounces;

/// <summary>An address a message of this account hard-bounced on (no such user or domain, moved, refuses mail): compose
/// warns before mailing it again. One row per account and address (lower case), updated by each new hard bounce.</summary>
public sealed class HardBouncedAddress
{
    public Guid Id { get; init; } = Ids.New();
    public Guid AccountId { get; init; }
    public required string Address { get; init; }
    public string Status { get; set; } = "";
    public string Reason { get; set; } = "";
    public DateTime LastBouncedAt { get; set; }

    /// <summary>The sent message that bounced most recently.</summary>
    public Guid? TicketMessageId { get; set; }
}

internal sealed class HardBouncedAddressConfiguration : IEntityTypeConfiguration<HardBouncedAddress>
{
    public void Configure(EntityTypeBuilder<HardBouncedAddress> builder)
    {
        builder.Property(a => a.Address).HasMaxLength(320);
        builder.Property(a => a.Status).HasMaxLength(16);
        builder.Property(a => a.Reason).HasMaxLength(32);
        builder.HasIndex(a => new { a.AccountId, a.Address }).IsUnique();
        builder.HasOne<Accounts.Account>().WithMany().HasForeignKey(a => a.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
