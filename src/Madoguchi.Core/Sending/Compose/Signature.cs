using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Sending.Compose;

/// <summary>署名: text added at the end of a mail written in compose. Either shared, one per From address
/// (<see cref="SendAddressId"/>; kept by the inbox's マネージャー and 管理者), or personal, one per user for every inbox
/// (<see cref="UserId"/>). Exactly one of the two is set. When both exist the personal one is the default.</summary>
public sealed class Signature
{
    public const int MaxLength = 4000;

    public Guid Id { get; init; } = Ids.New();
    public Guid AccountId { get; init; }
    public Guid? SendAddressId { get; init; }
    public Guid? UserId { get; init; }
    public required string Text { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class SignatureConfiguration : IEntityTypeConfiguration<Signature>
{
    public void Configure(EntityTypeBuilder<Signature> builder)
    {
        builder.ToTable("Signatures");
        builder.Property(s => s.Text).HasMaxLength(Signature.MaxLength);
        // NULLs are distinct on both providers: one shared signature per address, one personal per user.
        builder.HasIndex(s => s.SendAddressId).IsUnique();
        builder.HasIndex(s => s.UserId).IsUnique();
        builder.HasOne<SendAddress>().WithMany().HasForeignKey(s => s.SendAddressId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
