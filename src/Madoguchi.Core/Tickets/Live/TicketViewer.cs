using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Tickets.Live;

/// <summary>One open screen on a ticket (重複返信の防止): who, doing what, since when, and when its instance last said it is
/// still open. Rows live in the database so every instance sees the same viewers; a row whose heartbeat stopped (browser
/// gone, instance crashed) counts no more after <see cref="PresenceOptions.TimeoutSeconds"/> and is swept.</summary>
public sealed class TicketViewer
{
    public const int MaxSessionId = 100;

    public Guid TicketId { get; init; }
    public required string SessionId { get; init; }
    public Guid AccountId { get; init; }
    public Guid InboxId { get; set; }
    public Guid UserId { get; init; }
    public required string Name { get; set; }
    public PresenceActivity Activity { get; set; }
    public DateTime Since { get; init; }
    public DateTime SeenAt { get; set; }
}

/// <summary>A viewer as the API and screens show it: one line per user, their busiest activity, since they first opened it.</summary>
public sealed record PresenceViewer(Guid UserId, string Name, PresenceActivity Activity, DateTime Since);

/// <summary>Presence settings (section <c>Madoguchi:Presence</c>).</summary>
public sealed class PresenceOptions
{
    public const string SectionName = "Madoguchi:Presence";

    /// <summary>A viewer whose heartbeat stopped this long ago no longer counts (browser closed, instance crashed).
    /// Instances send a heartbeat for their open screens every third of this.</summary>
    [Range(10, 3600)]
    public int TimeoutSeconds { get; set; } = 60;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);
}

internal sealed class TicketViewerConfiguration : IEntityTypeConfiguration<TicketViewer>
{
    public void Configure(EntityTypeBuilder<TicketViewer> builder)
    {
        builder.HasKey(v => new { v.TicketId, v.SessionId });
        builder.Property(v => v.SessionId).HasMaxLength(TicketViewer.MaxSessionId);
        builder.Property(v => v.Name).HasMaxLength(300);
        builder.HasIndex(v => v.SeenAt);
        builder.HasOne<Ticket>().WithMany().HasForeignKey(v => v.TicketId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Accounts.Users.User>().WithMany().HasForeignKey(v => v.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
