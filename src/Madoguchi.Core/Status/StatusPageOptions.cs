using System.ComponentModel.DataAnnotations;
using Madoguchi.Core.Accounts;

namespace Madoguchi.Core.Status;

/// <summary>Bound from <c>Madoguchi:StatusPage</c>, validated at start.</summary>
public sealed class StatusPageOptions : IValidatableObject
{
    public const string SectionName = "Madoguchi:StatusPage";

    /// <summary>The name at the top of the public page and in <c>/status.json</c>.</summary>
    [Required, StringLength(100, MinimumLength = 1)]
    public string Name { get; set; } = "Madoguchi";

    /// <summary>IANA zone whose calendar days the uptime bars count and whose times the page shows.</summary>
    public string TimeZone { get; set; } = TimeZones.Default;

    /// <summary>How long one computed summary (and the rendered page) is reused; 0 computes every request (tests).</summary>
    [Range(0, 300)]
    public int CacheSeconds { get; set; } = 10;

    /// <summary>Days of uptime bars.</summary>
    [Range(1, 366)]
    public int UptimeDays { get; set; } = 90;

    /// <summary>A probe result counts for the time until the next one, but never for longer than this: a longer silence is "no data".</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan MaxProbeGap { get; set; } = TimeSpan.FromMinutes(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TimeZones.Check(TimeZone) is not null)
            yield return new ValidationResult("Madoguchi:StatusPage:TimeZone must be an IANA time zone id such as Asia/Tokyo.", [nameof(TimeZone)]);
    }
}
