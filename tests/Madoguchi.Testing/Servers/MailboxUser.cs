namespace Madoguchi.Testing.Servers;

/// <summary>A user of the test Dovecot: what an inbox's receive settings would hold.</summary>
public sealed record MailboxUser(string Name, string Password);
