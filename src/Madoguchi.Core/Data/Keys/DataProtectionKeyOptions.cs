using System.ComponentModel.DataAnnotations;

namespace Madoguchi.Core.Data.Keys;

/// <summary>Bound from <c>Madoguchi:DataProtection</c>, validated at start: the key that encrypts the Data Protection keys
/// kept in the database (which protect mail passwords and sign session cookies). It never lives in the database.</summary>
public sealed class DataProtectionKeyOptions : IValidatableObject
{
    public const string SectionName = "Madoguchi:DataProtection";

    /// <summary>A 256-bit key, base64 (e.g. <c>openssl rand -base64 32</c>), for several app instances sharing one database
    /// (env <c>MADOGUCHI_DATAPROTECTION__KEY</c>). When set, no key file is read or created.</summary>
    public string? Key { get; set; }

    /// <summary>The key file, created with permissions 0600 on first start. Default: <c>keys/data-protection.key</c> in the data folder.</summary>
    public string? KeyFile { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Key) && !KeyEncryptionKey.TryDecode(Key, out _))
            yield return new ValidationResult(
                $"{SectionName}:Key must be 32 random bytes in base64 (44 characters), e.g. the output of `openssl rand -base64 32`.", [nameof(Key)]);
    }
}
