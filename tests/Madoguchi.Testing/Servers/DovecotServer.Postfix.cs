namespace Madoguchi.Testing.Servers;

/// <summary>What a <see cref="PostfixServer"/> needs to deliver into this Dovecot and to check passwords with it.</summary>
public sealed partial class DovecotServer
{
    /// <summary>dovecot.conf, for dovecot-lda run by Postfix.</summary>
    public string ConfigurationPath => configuration.ConfigPath;

    /// <summary>The authentication socket an MTA (Postfix SASL) may use: the mailbox users' passwords.</summary>
    public string MailTransferAuthSocketPath => Path.Combine(configuration.BaseDirectory, DovecotConfiguration.MailTransferAuthSocket);
}
