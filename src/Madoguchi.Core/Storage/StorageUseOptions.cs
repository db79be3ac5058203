using System.ComponentModel.DataAnnotations;

namespace Madoguchi.Core.Storage;

/// <summary>Installation settings for the storage warning (section <c>Madoguchi:Storage</c>). The 残り N MB banner shows
/// when the space left falls under the larger of <see cref="WarnPercent"/> of the limit and <see cref="WarnMinimumMb"/>.</summary>
public sealed class StorageUseOptions
{
    public const string SectionName = "Madoguchi:Storage";

    [Range(0, 100)]
    public int WarnPercent { get; set; } = 10;

    [Range(0, 10_000_000)]
    public long WarnMinimumMb { get; set; } = 100;
}
