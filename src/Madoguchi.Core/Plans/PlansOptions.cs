using System.ComponentModel.DataAnnotations;

namespace Madoguchi.Core.Plans;

/// <summary>Installation settings for plans and limits (section <c>Madoguchi:Plans</c>).</summary>
public sealed class PlansOptions
{
    public const string SectionName = "Madoguchi:Plans";

    /// <summary>Limits of an account that has no plan yet.</summary>
    [Range(1, 100_000)]
    public int UnplannedUsers { get; set; } = 5;

    [Range(1, 10_000)]
    public int UnplannedInboxes { get; set; } = 3;

    [Range(1, 10_000_000)]
    public long UnplannedStorageMb { get; set; } = 1024;

    /// <summary>Whether an account without a plan may add send addresses with its own SMTP server. On by default: an
    /// installation that does not sell plans must be able to send.</summary>
    public bool UnplannedCustomSmtp { get; set; } = true;

    /// <summary>How many days the audit log of an account without a plan is kept.</summary>
    [Range(1, 36_500)]
    public int UnplannedAuditRetentionDays { get; set; } = 365;
}
