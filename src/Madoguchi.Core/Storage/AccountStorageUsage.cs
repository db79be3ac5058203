using Madoguchi.Core.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Storage;

/// <summary>How many bytes of mail an account uses (容量), as the customer thinks of it: the size of every original it
/// holds, each counted once (<see cref="CountedOriginal"/>). Changes in the same transaction that stores or deletes a
/// message (<see cref="PendingStorageUsage"/>); never blocks receiving, whatever the plan's limit.
/// <see cref="MessageCount"/> is the number of distinct originals counted.</summary>
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
