using System.Globalization;

namespace Madoguchi.Testing.Servers;

/// <summary>The ports and files a private Dovecot uses; renders its dovecot.conf.</summary>
internal sealed record DovecotConfiguration(
    string Root,
    int ImapPort,
    int ImapsPort,
    int Pop3Port,
    int Pop3sPort)
{
    /// <summary>A socket in base_dir for Postfix's SASL (smtpd_sasl_type = dovecot).</summary>
    public const string MailTransferAuthSocket = "auth-mta";

    /// <summary>A folder name that Dovecot marks <c>\Sent</c> (SPECIAL-USE) in every mailbox where it exists.</summary>
    public const string SpecialSentFolder = "送信済みアイテム";

    public string ConfigPath => Path.Combine(Root, "dovecot.conf");

    public string BaseDirectory => Path.Combine(Root, "run");

    public string StateDirectory => Path.Combine(Root, "state");

    public string LogPath => Path.Combine(Root, "dovecot.log");

    /// <summary>
    /// One passwd-file per user: Dovecot re-reads a changed passwd-file at most once a second, so a
    /// user added to a shared file could be "unknown" for up to a second; a new file is read at once.
    /// </summary>
    public string UsersDirectory => Path.Combine(Root, "users");

    public string HomesDirectory => Path.Combine(Root, "home");

    public string CertificatePath => Path.Combine(Root, "server.pem");

    public string KeyPath => Path.Combine(Root, "server.key");

    public string AuthorityPath => Path.Combine(Root, "ca.pem");

    public string Render() => string.Create(CultureInfo.InvariantCulture, $$"""
        base_dir = {{BaseDirectory}}
        state_dir = {{StateDirectory}}
        log_path = {{LogPath}}
        listen = 127.0.0.1
        protocols = imap pop3
        ssl = yes
        ssl_cert = <{{CertificatePath}}
        ssl_key = <{{KeyPath}}
        ssl_min_protocol = TLSv1.2
        disable_plaintext_auth = no
        # CRAM-MD5 too (the passwords are kept in clear here): Postfix offers what Dovecot does, so sending can be tested with each.
        auth_mechanisms = plain login cram-md5
        auth_verbose = yes
        # Wrong-password tests must not wait: no delay, no per-IP penalty (anvil socket off below).
        auth_failure_delay = 0
        mail_location = maildir:~/Maildir
        # The default namespace, written out so that one folder name carries SPECIAL-USE \Sent (RFC 6154) when a
        # user has it: a Sent folder found by its mark, not its name.
        namespace inbox {
          inbox = yes
          mailbox "{{SpecialSentFolder}}" {
            special_use = \Sent
          }
        }
        # Like fsync=off for PostgreSQL: test data need not survive a power cut, and fsync is slow here.
        mail_fsync = never
        pop3_uidl_format = %08Xu%08Xv
        # Tests open many sessions as one user from one address.
        mail_max_userip_connections = 500
        passdb {
          driver = passwd-file
          args = scheme=PLAIN username_format=%u {{UsersDirectory}}/%u
        }
        userdb {
          driver = passwd-file
          args = username_format=%u {{UsersDirectory}}/%u
        }
        service anvil {
          unix_listener anvil-auth-penalty {
            mode = 0
          }
        }
        service auth {
          unix_listener {{MailTransferAuthSocket}} {
            mode = 0666
          }
        }
        service imap-login {
          inet_listener imap {
            port = {{ImapPort}}
          }
          inet_listener imaps {
            port = {{ImapsPort}}
            ssl = yes
          }
        }
        service pop3-login {
          inet_listener pop3 {
            port = {{Pop3Port}}
          }
          inet_listener pop3s {
            port = {{Pop3sPort}}
            ssl = yes
          }
        }

        """);
}
