using Madoguchi.Core.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Audit;

/// <summary>One line of an account's audit log: who did what to whom, when, from which IP.
/// Names are copied, not joined, so the line still reads right after the user is deleted.</summary>
public sealed class AuditEntry
{
    public long Id { get; init; }
    /// <summary>The account the line belongs to; null for the installation's own lines (operator sign-ins), which
    /// no account's log shows.</summary>
    public Guid? AccountId { get; init; }
    public DateTime At { get; init; }
    public AuditAction Action { get; init; }

    /// <summary>The user who acted; null for the operator or the server console.</summary>
    public Guid? ActorUserId { get; init; }
    public required string ActorName { get; init; }
    public Guid? TargetUserId { get; init; }
    public string? TargetName { get; init; }
    public string? Detail { get; init; }
    public string? IpAddress { get; init; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.Property(e => e.Action).HasConversion<string>().HasMaxLength(40);
        builder.Property(e => e.ActorName).HasMaxLength(300);
        builder.Property(e => e.TargetName).HasMaxLength(300);
        builder.Property(e => e.Detail).HasMaxLength(1000);
        builder.Property(e => e.IpAddress).HasMaxLength(64);
        builder.HasIndex(e => new { e.AccountId, e.At });
        builder.HasOne<Account>().WithMany().HasForeignKey(e => e.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
