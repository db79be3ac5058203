using Microsoft.AspNetCore.DataProtection;

namespace Madoguchi.Core.Operators.TwoFactor;

/// <summary>Encrypts operators' TOTP secrets at rest with Data Protection, as receive-server passwords are (keys in the
/// database, shared by all instances).</summary>
public sealed class TotpSecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Madoguchi.Operators.TotpSecret.v1");

    public string Protect(byte[] secret) => _protector.Protect(Base32.Encode(secret));

    public byte[] Unprotect(string protectedSecret) => Base32.Decode(_protector.Unprotect(protectedSecret));
}
