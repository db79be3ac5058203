using System.ComponentModel.DataAnnotations;

namespace Madoguchi.Web.Authentication;

/// <summary>Bound from <c>Madoguchi:Accounts:SignInRateLimit</c>: sign-in attempts allowed per IP address and minute.</summary>
public sealed class SignInRateLimitOptions
{
    public const string SectionName = "Madoguchi:Accounts:SignInRateLimit";
    public const string PolicyName = "sign-in";

    [Range(1, 100_000)]
    public int PermitsPerMinute { get; set; } = 30;
}
