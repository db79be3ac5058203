using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Accounts.Tokens;

/// <summary>A personal API token (Bearer). The secret is shown once; only its hash is kept.</summary>
public sealed class ApiToken
{
    public const string Prefix = "mdg_u_";

    public Guid Id { get; init; } = Ids.New();
    public Guid UserId { get; init; }
    public required string Name { get; init; }
    public required string TokenHash { get; init; }

    /// <summary>The first characters of the secret, so people can tell their tokens apart.</summary>
    public required string Hint { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? LastUsedAt { get; set; }
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.Property(t => t.TokenHash).HasMaxLength(64);
        builder.Property(t => t.Hint).HasMaxLength(20);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        builder.HasIndex(t => t.UserId);
        builder.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
