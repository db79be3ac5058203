using Madoguchi.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Accounts.Users;

/// <summary>A person who signs in to one account. The email is the login and unique in the installation.</summary>
public sealed class User
{
    public Guid Id { get; init; } = Ids.New();
    public Guid AccountId { get; init; }
    public required string FamilyName { get; set; }
    public required string GivenName { get; set; }
    public required string Email
    {
        get;
        init
        {
            field = value;
            NormalizedEmail = Emails.Normalize(value);
        }
    }

    public string NormalizedEmail { get; private set; } = "";
    public string? Department { get; set; }
    public string? MentionName { get; set; }
    public string? PasswordHash { get; set; }
    public UserState State { get; set; }
    public bool IsOwner { get; set; }
    public int FailedSignInCount { get; set; }
    public DateTime? LockedAt { get; set; }
    public DateTime? LastSignInAt { get; set; }
    public DateTime CreatedAt { get; init; }

    /// <summary>"ja" or "en"; null follows the browser.</summary>
    public string? Language { get; set; }

    /// <summary>The user's own IANA time zone (個人設定); null follows the account's.</summary>
    public string? TimeZone { get; set; }

    /// <summary>Changes whenever existing sessions must end (password change, lock, deletion of rights).</summary>
    public string SecurityStamp { get; set; } = Guid.NewGuid().ToString("N");

    public string? InvitationTokenHash { get; set; }
    public DateTime? InvitationExpiresAt { get; set; }

    public string DisplayName => $"{FamilyName} {GivenName}";
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.Property(u => u.FamilyName).HasMaxLength(100);
        builder.Property(u => u.GivenName).HasMaxLength(100);
        builder.Property(u => u.Email).HasMaxLength(254);
        builder.Property(u => u.NormalizedEmail).HasMaxLength(254);
        builder.Property(u => u.Department).HasMaxLength(200);
        builder.Property(u => u.MentionName).HasMaxLength(50);
        builder.Property(u => u.Language).HasMaxLength(10);
        builder.Property(u => u.TimeZone).HasMaxLength(TimeZones.MaxLength);
        builder.Property(u => u.SecurityStamp).HasMaxLength(64).IsConcurrencyToken();
        builder.Property(u => u.FailedSignInCount).IsConcurrencyToken();
        builder.Property(u => u.InvitationTokenHash).HasMaxLength(64);
        builder.HasIndex(u => u.NormalizedEmail).IsUnique();
        builder.HasIndex(u => new { u.AccountId, u.MentionName }).IsUnique();
        builder.HasIndex(u => u.InvitationTokenHash);
        builder.HasOne<Account>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
