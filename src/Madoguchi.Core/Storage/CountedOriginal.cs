using Madoguchi.Core.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Storage;

/// <summary>One original counted in its account's storage use (<see cref="AccountStorageUsage"/>): the same bytes are
/// counted once per account however many messages hold them (the same mail delivered to two inboxes, a reprocessed
/// original, later a sent message and its copy). <see cref="Holders"/> is how many messages hold it; when the last one
/// is deleted the row goes and the account's use drops by <see cref="Size"/>.</summary>
public sealed class CountedOriginal
{
    public Guid AccountId { get; init; }

    /// <summary>SHA-256 of the original: its blob's address.</summary>
    public required string BlobHash { get; init; }

    public long Size { get; init; }
    public int Holders { get; set; }
}

internal sealed class CountedOriginalConfiguration : IEntityTypeConfiguration<CountedOriginal>
{
    public void Configure(EntityTypeBuilder<CountedOriginal> builder)
    {
        builder.HasKey(c => new { c.AccountId, c.BlobHash });
        builder.Property(c => c.BlobHash).HasMaxLength(64);
        builder.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
