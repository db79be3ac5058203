using Microsoft.AspNetCore.DataProtection;

namespace Madoguchi.Core.Sending;

/// <summary>Encrypts SMTP passwords at rest with Data Protection, like receive passwords but with a purpose of its own.</summary>
public sealed class SendPasswordProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Madoguchi.Sending.SendAddress.Password.v1");

    public string Protect(string password) => _protector.Protect(password);

    public string Unprotect(string protectedPassword) => protectedPassword.Length == 0 ? "" : _protector.Unprotect(protectedPassword);
}
