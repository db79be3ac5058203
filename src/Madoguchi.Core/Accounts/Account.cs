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

    /// <summary>The IANA time zone every screen of the account shows times in, and whose midnight starts "today";
    /// a user may choose their own (<see cref="Users.User.TimeZone"/>).</summary>
    public string TimeZone { get; set; } = TimeZones.Default;

    /// <summary>Changes with every change to the set of owners, so two owners removing each other at once
    /// cannot both succeed and leave the account without an owner.</summary>
    public Guid OwnershipStamp { get; set; } = Guid.NewGuid();

    /// <summary>利用停止: set by an operator. While set, the account's users cannot sign in (they are told
    /// <see cref="SuspensionReason"/>), their sessions and API tokens stop working, and its mail is still fetched and kept.</summary>
    public DateTime? SuspendedAt { get; set; }
    public string? SuspensionReason { get; set; }
}

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> builder)
    {
        builder.Property(a => a.Name).HasMaxLength(200);
        builder.Property(a => a.TimeZone).HasMaxLength(TimeZones.MaxLength).HasDefaultValue(TimeZones.Default);
        builder.Property(a => a.OwnershipStamp).IsConcurrencyToken();
        builder.Property(a => a.SuspensionReason).HasMaxLength(500);
    }
}
