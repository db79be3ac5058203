using System.ComponentModel.DataAnnotations;

namespace Madoguchi.Core.Accounts.Passwords;

/// <summary>Bound from <c>Madoguchi:Accounts:Passwords</c>. Passwords are hashed with ASP.NET Core Identity's
/// PasswordHasher format V3: PBKDF2 with HMAC-SHA512, 128-bit salt, 256-bit subkey.</summary>
public sealed class PasswordHashingOptions
{
    public const string SectionName = "Madoguchi:Accounts:Passwords";

    /// <summary>OWASP's Password Storage Cheat Sheet figure for PBKDF2-HMAC-SHA512.</summary>
    public const int OwaspPbkdf2Sha512Iterations = 210_000;

    /// <summary>PBKDF2 iterations for new hashes. A stored hash with fewer is rehashed at the next right password.
    /// Tests lower it to stay fast; installations keep the default.</summary>
    [Range(1_000, 10_000_000)]
    public int Iterations { get; set; } = OwaspPbkdf2Sha512Iterations;
}
