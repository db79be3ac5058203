using Madoguchi.Core.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Storage;

/// <summary>How many bytes of stored mail an account uses (容量). Grows in the same transaction that stores a message;
/// never blocks receiving, whatever the plan's limit.</summary>
public sealed class AccountStorageUsage
{
    public Guid AccountId { get; init; }
    public long Bytes { get; set; }
    public long MessageCount { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class AccountStorageUsageConfiguration : IEntityTypeConfiguration<AccountStorageUsage>
{
    public void Configure(EntityTypeBuilder<AccountStorageUsage> builder)
    {
        builder.HasKey(u => u.AccountId);
        builder.HasOne<Account>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
