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
}
