using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Madoguchi.Core.Status.Monitoring;

/// <summary>One monitoring alert email to send (the outbox of alerts): written in the same transaction as the console
/// notices it belongs to, so an announcement is never lost between deciding and sending; sent after the probe round,
/// retried on later rounds up to <see cref="AlertMailOptions.MaxAttempts"/>. Recipients are read from the settings at
/// sending time.</summary>
public sealed class AlertEmail
{
    /// <summary>Error code of an alert email with nobody to send it to (no recipients set and no operator).</summary>
    public const string NoRecipient = "no_recipient";

    public Guid Id { get; init; } = Common.Ids.New();
    public StatusComponent Component { get; init; }
    public ComponentState State { get; init; }
    public ComponentState PreviousState { get; init; }
    public string? Detail { get; init; }
    public DateTime CreatedAt { get; init; }
    public int Attempts { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public DateTime? SentAt { get; set; }

    /// <summary>When it was given up (a permanent failure, or the last attempt failed).</summary>
    public DateTime? FailedAt { get; set; }

    /// <summary>The last failure: a <see cref="Sending.SendErrorCode"/> and the server's reply verbatim.</summary>
    public string? ErrorCode { get; set; }

    public string? ServerReply { get; set; }

    public bool IsRecovery => State == ComponentState.Operational;
}

internal sealed class AlertEmailConfiguration : IEntityTypeConfiguration<AlertEmail>
{
    public void Configure(EntityTypeBuilder<AlertEmail> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Detail).HasMaxLength(500);
        builder.Property(a => a.ErrorCode).HasMaxLength(50);
        builder.Property(a => a.ServerReply).HasMaxLength(2000);
        builder.HasIndex(a => a.CreatedAt);
    }
}
