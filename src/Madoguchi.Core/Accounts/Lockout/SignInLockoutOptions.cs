using System.ComponentModel.DataAnnotations;

namespace Madoguchi.Core.Accounts.Lockout;

/// <summary>Bound from <c>Madoguchi:Accounts:Lockout</c>.</summary>
public sealed class SignInLockoutOptions
{
    public const string SectionName = "Madoguchi:Accounts:Lockout";

    /// <summary>Consecutive wrong passwords that lock a user until an owner restores them (the seed's five).</summary>
    [Range(1, 100)]
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>How many unknown addresses the wrong-password count is kept for (hashed; oldest dropped beyond this).</summary>
    [Range(10, 10_000_000)]
    public int MaxUnknownAddresses { get; set; } = 100_000;
}
