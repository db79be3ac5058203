using MailKit.Security;

namespace Madoguchi.Testing.Servers;

/// <summary>Where and how to connect: what an inbox's receive settings hold.</summary>
public sealed record MailEndpoint(string Host, int Port, SecureSocketOptions Security);
