using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Status.Maintenance;

/// <summary>Planned work: between <see cref="StartsAt"/> and <see cref="EndsAt"/> its components are "under maintenance"
/// (unless an unresolved incident says otherwise). Cancelling a window before it starts hides it; cancelling a running one ends it now.</summary>
public sealed class MaintenanceWindow
{
    public const int MaxTitleLength = 200;
    public const int MaxDescriptionLength = 5000;

    public Guid Id { get; init; } = Common.Ids.New();
    public required string Title { get; set; }
    public string? Description { get; set; }
    public DateTime StartsAt { get; set; }
    public DateTime EndsAt { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime? CancelledAt { get; set; }
    public List<MaintenanceComponent> Components { get; init; } = [];

    public bool IsRunningAt(DateTime now) => CancelledAt is null && StartsAt <= now && now < EndsAt;
}

public sealed class MaintenanceComponent
{
    public StatusComponent Component { get; set; }
}

/// <summary>Where a window stands at a given time.</summary>
public enum MaintenanceStatus
{
    Scheduled = 0,
    InProgress = 1,
    Completed = 2,
    Cancelled = 3,
}

internal sealed class MaintenanceWindowConfiguration : IEntityTypeConfiguration<MaintenanceWindow>
{
    public void Configure(EntityTypeBuilder<MaintenanceWindow> builder)
    {
        builder.ToTable("MaintenanceWindows");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Title).HasMaxLength(MaintenanceWindow.MaxTitleLength);
        builder.Property(m => m.Description).HasMaxLength(MaintenanceWindow.MaxDescriptionLength);
        builder.HasIndex(m => m.EndsAt);
        builder.OwnsMany(m => m.Components, c =>
        {
            c.ToTable("MaintenanceComponents");
            c.WithOwner().HasForeignKey("MaintenanceWindowId");
            c.HasKey("MaintenanceWindowId", nameof(MaintenanceComponent.Component));
            c.Property(x => x.Component).HasConversion<string>().HasMaxLength(40);
        });
        builder.Navigation(m => m.Components).AutoInclude();
    }
}
