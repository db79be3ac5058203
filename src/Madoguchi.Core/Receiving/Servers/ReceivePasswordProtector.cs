using Microsoft.AspNetCore.DataProtection;

namespace Madoguchi.Core.Receiving.Servers;

/// <summary>Encrypts receive-server passwords at rest with Data Protection (keys in the database, shared by all instances).</summary>
public sealed class ReceivePasswordProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Madoguchi.Receiving.ReceiveServer.Password.v1");

    public string Protect(string password) => _protector.Protect(password);

    public string Unprotect(string protectedPassword) => _protector.Unprotect(protectedPassword);
}
