using Madoguchi.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Operators;

/// <summary>運営者: a person running the installation. Not a user of any account.</summary>
public sealed class Operator
{
    public Guid Id { get; init; } = Ids.New();
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
    public required string PasswordHash { get; set; }
    public int FailedSignInCount { get; set; }
    public DateTime? LockedAt { get; set; }
    public DateTime CreatedAt { get; init; }
    public string SecurityStamp { get; set; } = Guid.NewGuid().ToString("N");

    /// <summary>The TOTP secret, encrypted with Data Protection (<see cref="TwoFactor.TotpSecretProtector"/>); null until
    /// the operator has enrolled, which the next sign-in then requires.</summary>
    public string? ProtectedTotpSecret { get; set; }

    /// <summary>A secret shown for enrolment and not yet confirmed with a code from the app.</summary>
    public string? ProtectedPendingTotpSecret { get; set; }

    public DateTime? TotpEnabledAt { get; set; }

    /// <summary>The last time step whose code was accepted: that code, and every earlier one, is refused from then on.
    /// A concurrency token, so two requests with the same code at once cannot both pass.</summary>
    public long? LastTotpStep { get; set; }
}

/// <summary>A Bearer token for the operator API, made in the console or with <c>operators token --email E</c>. The secret
/// is shown once; only its SHA-256 is kept.</summary>
public sealed class OperatorToken
{
    public const string Prefix = "mdg_o_";

    public Guid Id { get; init; } = Ids.New();
    public Guid OperatorId { get; init; }
    public string Name { get; init; } = "";

    /// <summary>The first characters of the secret, so tokens can be told apart.</summary>
    public string Hint { get; init; } = "";
    public required string TokenHash { get; init; }
    public DateTime CreatedAt { get; init; }

    /// <summary>No longer accepted from this moment; null never expires.</summary>
    public DateTime? ExpiresAt { get; init; }
    public DateTime? LastUsedAt { get; set; }
}

/// <summary>One single-use recovery code for an operator who lost their authenticator (shown once, kept hashed).</summary>
public sealed class OperatorRecoveryCode
{
    public Guid Id { get; init; } = Ids.New();
    public Guid OperatorId { get; init; }
    public required string CodeHash { get; init; }
    public DateTime? UsedAt { get; set; }
}

internal sealed class OperatorConfiguration : IEntityTypeConfiguration<Operator>
{
    public void Configure(EntityTypeBuilder<Operator> builder)
    {
        builder.Property(o => o.Email).HasMaxLength(254);
        builder.Property(o => o.NormalizedEmail).HasMaxLength(254);
        builder.Property(o => o.SecurityStamp).HasMaxLength(64).IsConcurrencyToken();
        builder.Property(o => o.FailedSignInCount).IsConcurrencyToken();
        builder.Property(o => o.LastTotpStep).IsConcurrencyToken();
        builder.Property(o => o.ProtectedTotpSecret).HasMaxLength(1000);
        builder.Property(o => o.ProtectedPendingTotpSecret).HasMaxLength(1000);
        builder.HasIndex(o => o.NormalizedEmail).IsUnique();
    }
}

internal sealed class OperatorTokenConfiguration : IEntityTypeConfiguration<OperatorToken>
{
    public void Configure(EntityTypeBuilder<OperatorToken> builder)
    {
        builder.Property(t => t.TokenHash).HasMaxLength(64);
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.Property(t => t.Hint).HasMaxLength(20);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasOne<Operator>().WithMany().HasForeignKey(t => t.OperatorId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OperatorRecoveryCodeConfiguration : IEntityTypeConfiguration<OperatorRecoveryCode>
{
    public void Configure(EntityTypeBuilder<OperatorRecoveryCode> builder)
    {
        builder.Property(c => c.CodeHash).HasMaxLength(64);
        builder.HasIndex(c => c.OperatorId);
        builder.HasOne<Operator>().WithMany().HasForeignKey(c => c.OperatorId).OnDelete(DeleteBehavior.Cascade);
    }
}
