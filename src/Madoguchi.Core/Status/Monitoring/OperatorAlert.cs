using Madoguchi.Core.Operators;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Status.Monitoring;

/// <summary>A console notice to one operator: a component left "operational" (<see cref="State"/> is where it went), or
/// came back (<see cref="State"/> is Operational). Shown on the operator console until marked read.</summary>
public sealed class OperatorAlert
{
    public Guid Id { get; init; } = Common.Ids.New();
    public Guid OperatorId { get; init; }
    public StatusComponent Component { get; init; }
    public ComponentState State { get; init; }
    public ComponentState PreviousState { get; init; }
    public string? Detail { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? ReadAt { get; set; }

    public bool IsRecovery => State == ComponentState.Operational;
}

/// <summary>Per component, what operators were last told and when they were last alerted: the throttle's memory, shared by
/// every instance (whichever runs a round).</summary>
public sealed class ComponentAlertState
{
    public StatusComponent Component { get; init; }
    public ComponentState AnnouncedState { get; set; }
    public DateTime? LastAlertAt { get; set; }
}

internal sealed class OperatorAlertConfiguration : IEntityTypeConfiguration<OperatorAlert>
{
    public void Configure(EntityTypeBuilder<OperatorAlert> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Detail).HasMaxLength(500);
        builder.HasIndex(a => new { a.OperatorId, a.CreatedAt });
        builder.HasOne<Operator>().WithMany().HasForeignKey(a => a.OperatorId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ComponentAlertStateConfiguration : IEntityTypeConfiguration<ComponentAlertState>
{
    public void Configure(EntityTypeBuilder<ComponentAlertState> builder)
    {
        builder.HasKey(s => s.Component);
        builder.Property(s => s.Component).ValueGeneratedNever();
    }
}
