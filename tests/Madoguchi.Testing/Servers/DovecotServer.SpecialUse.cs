namespace Madoguchi.Testing.Servers;

public sealed partial class DovecotServer
{
    /// <summary>A folder name Dovecot marks <c>\Sent</c> (SPECIAL-USE, RFC 6154) in every mailbox that has it.</summary>
    public const string SpecialSentFolder = DovecotConfiguration.SpecialSentFolder;
}
