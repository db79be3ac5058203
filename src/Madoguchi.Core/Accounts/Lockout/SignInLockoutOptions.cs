using System.ComponentModel.DataAnnotations;

namespace Madoguchi.Core.Accounts.Lockout;

/// <summary>Bound from <c>Madoguchi:Accounts:Lockout</c>.</summary>
public sealed class SignInLockoutOptions
{
    public const string SectionName = "Madoguchi:Accounts:Lockout";

    /// <summary>Consecutive wrong passwords that lock a user until an owner restores them (the seed's five).</summary>
    [Range(1, 100)]
    public int MaxFailedAttempts { get; set; } = 5;
}
