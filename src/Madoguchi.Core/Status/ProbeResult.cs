using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Status;

/// <summary>One probe round's verdict on one component, kept as history: the status page's uptime bars are computed from
/// these rows. <see cref="State"/> is what the probe's thresholds gave (never UnderMaintenance); <see cref="Detail"/> is a
/// short operator-facing reason in our words with no personal data.</summary>
public sealed class ProbeResult
{
    public Guid Id { get; init; } = Common.Ids.New();
    public StatusComponent Component { get; init; }
    public ComponentState State { get; init; }
    public DateTime CheckedAt { get; init; }
    public string? Detail { get; init; }
}

internal sealed class ProbeResultConfiguration : IEntityTypeConfiguration<ProbeResult>
{
    public void Configure(EntityTypeBuilder<ProbeResult> builder)
    {
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Detail).HasMaxLength(500);
        builder.HasIndex(p => new { p.Component, p.CheckedAt });
    }
}
