using Madoguchi.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Accounts;

/// <summary>One customer organisation (tenant). Every user, inbox and ticket belongs to exactly one.</summary>
public sealed class Account
{
    public Guid Id { get; init; } = Ids.New();
    public required string Name { get; set; }
    public DateTime CreatedAt { get; init; }

    /// <summary>Changes with every change to the set of owners, so two owners removing each other at once
    /// cannot both succeed and leave the account without an owner.</summary>
    public Guid OwnershipStamp { get; set; } = Guid.NewGuid();
}

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.Property(a => a.Name).HasMaxLength(200);
        builder.Property(a => a.OwnershipStamp).IsConcurrencyToken();
    }
}
