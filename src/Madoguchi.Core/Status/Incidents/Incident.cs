using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Status.Incidents;

/// <summary>How bad an incident is for customers, on the common status-page scale.</summary>
public enum IncidentImpact
{
    None = 0,
    Minor = 1,
    Major = 2,
    Critical = 3,
}

/// <summary>Where an incident stands; the incident's status is its latest update's.</summary>
public enum IncidentStatus
{
    Investigating = 0,
    Identified = 1,
    Monitoring = 2,
    Resolved = 3,
}

/// <summary>An operator-declared incident. While it is unresolved, the state the operator gave each affected component
/// overrides what the probes say (see <see cref="Summary.EffectiveStates"/>); resolving it hands the components back to the probes.</summary>
public sealed class Incident
{
    public const int MaxTitleLength = 200;

    public Guid Id { get; init; } = Common.Ids.New();
    public required string Title { get; set; }
    public IncidentImpact Impact { get; set; }
    public IncidentStatus Status { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? ResolvedAt { get; set; }
    public List<IncidentComponent> Components { get; init; } = [];
    public List<IncidentUpdate> Updates { get; init; } = [];
}

/// <summary>One component an incident affects, with the state the operator says it is in.</summary>
public sealed class IncidentComponent
{
    public StatusComponent Component { get; set; }
    public ComponentState State { get; set; }
}

/// <summary>One entry of an incident's public timeline.</summary>
public sealed class IncidentUpdate
{
    public const int MaxMessageLength = 5000;

    public Guid Id { get; init; } = Common.Ids.New();
    public IncidentStatus Status { get; init; }
    public required string Message { get; init; }
    public DateTime CreatedAt { get; init; }
}

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> builder)
    {
        builder.HasKey(i => i.Id);
        builder.Property(i => i.Title).HasMaxLength(Incident.MaxTitleLength);
        builder.Property(i => i.Impact).HasConversion<string>().HasMaxLength(20);
        builder.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(i => i.ResolvedAt);
        builder.HasIndex(i => i.CreatedAt);
        builder.OwnsMany(i => i.Components, c =>
        {
            c.ToTable("IncidentComponents");
            c.WithOwner().HasForeignKey("IncidentId");
            c.HasKey("IncidentId", nameof(IncidentComponent.Component));
            c.Property(x => x.Component).HasConversion<string>().HasMaxLength(40);
            c.Property(x => x.State).HasConversion<string>().HasMaxLength(40);
        });
        builder.OwnsMany(i => i.Updates, u =>
        {
            u.ToTable("IncidentUpdates");
            u.WithOwner().HasForeignKey("IncidentId");
            u.HasKey(x => x.Id);
            // The id is set by the app, so an update added to a loaded incident is an insert.
            u.Property(x => x.Id).ValueGeneratedNever();
            u.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            u.Property(x => x.Message).HasMaxLength(IncidentUpdate.MaxMessageLength);
        });
        builder.Navigation(i => i.Components).AutoInclude();
        builder.Navigation(i => i.Updates).AutoInclude();
    }
}
