using System.ComponentModel.DataAnnotations;
using Madoguchi.Core.Accounts;

namespace Madoguchi.Core.Status.SupportDesk;

/// <summary>Bound from <c>Madoguchi:SupportDesk</c>.</summary>
public sealed class SupportDeskOptions : IValidatableObject
{
    public const string SectionName = "Madoguchi:SupportDesk";

    /// <summary>The zone the weekly hours and closed days are written in (an IANA id).</summary>
    public string TimeZone { get; set; } = TimeZones.Default;

    /// <summary>How many days before a closure its notice appears when the operator gives no start of its own.</summary>
    [Range(0, 60)]
    public int NoticeDaysBefore { get; set; } = 7;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TimeZones.Check(TimeZone) is not null)
            yield return new ValidationResult($"Madoguchi:SupportDesk:TimeZone '{TimeZone}' is not an IANA time zone id such as Asia/Tokyo.", [nameof(TimeZone)]);
    }
}
