using System.ComponentModel.DataAnnotations;

namespace Madoguchi.Core.Retention;

/// <summary>Installation settings for deleting mail for good (section <c>Madoguchi:Retention</c>).</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Madoguchi:Retention";

    /// <summary>Tickets in ゴミ箱 are deleted for good this many days after they were put there.</summary>
    [Range(1, 3650)]
    public int TrashDays { get; set; } = 30;

    /// <summary>How often the retention round runs (once per interval across all instances).</summary>
    [Range(1, 1440)]
    public int IntervalMinutes { get; set; } = 60;

    /// <summary>False: no background round (tests, or an instance that must not delete).</summary>
    public bool RunWorker { get; set; } = true;
}

public static class InboxRetentionRules
{
    /// <summary>An inbox's auto-delete of closed tickets may not be shorter than this.</summary>
    public const int MinimumAutoDeleteDays = 90;

    public const int MaximumAutoDeleteDays = 36500;
}
