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
}

/// <summary>A Bearer token for the operator API, made with <c>operators token --email E</c>.</summary>
public sealed class OperatorToken
{
    public const string Prefix = "mdg_o_";

    public Guid Id { get; init; } = Ids.New();
    public Guid OperatorId { get; init; }
    public required string TokenHash { get; init; }
    public DateTime CreatedAt { get; init; }
}

internal sealed class OperatorConfiguration : IEntityTypeConfiguration<Operator>
{
    public void Configure(EntityTypeBuilder<Operator> builder)
    {
        builder.Property(o => o.Email).HasMaxLength(254);
        builder.Property(o => o.NormalizedEmail).HasMaxLength(254);
        builder.Property(o => o.SecurityStamp).HasMaxLength(64).IsConcurrencyToken();
        builder.Property(o => o.FailedSignInCount).IsConcurrencyToken();
        builder.HasIndex(o => o.NormalizedEmail).IsUnique();
    }
}

internal sealed class OperatorTokenConfiguration : IEntityTypeConfiguration<OperatorToken>
{
    public void Configure(EntityTypeBuilder<OperatorToken> builder)
    {
        builder.Property(t => t.TokenHash).HasMaxLength(64);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasOne<Operator>().WithMany().HasForeignKey(t => t.OperatorId).OnDelete(DeleteBehavior.Cascade);
    }
}
