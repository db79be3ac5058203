using System.Globalization;

namespace Madoguchi.Testing.Servers;

/// <summary>The ports and folders a private Postfix uses; renders its main.cf and master.cf.</summary>
internal sealed record PostfixConfiguration(
    string Root,
    int SmtpPort,
    int SubmissionPort,
    int SmtpsPort,
    int LimitedPort,
    string DovecotConfigPath,
    string DovecotAuthSocketPath)
{
    public string ConfigDirectory => Path.Combine(Root, "conf");

    public string QueueDirectory => Path.Combine(Root, "queue");

    public string DataDirectory => Path.Combine(Root, "data");

    public string LogPath => Path.Combine(Root, "postfix.log");

    public string CertificatePath => Path.Combine(Root, "server.pem");

    public string KeyPath => Path.Combine(Root, "server.key");

    public string AuthorityPath => Path.Combine(Root, "ca.pem");

    public string RenderMain() => string.Create(CultureInfo.InvariantCulture, $$"""
        compatibility_level = 3.6
        queue_directory = {{QueueDirectory}}
        data_directory = {{DataDirectory}}
        daemon_directory = /usr/lib/postfix/sbin
        command_directory = /usr/sbin
        meta_directory = /etc/postfix
        shlib_directory = /usr/lib/postfix
        mail_owner = postfix
        setgid_group = postdrop
        maillog_file = {{LogPath}}
        myhostname = mx.{{PostfixServer.LocalDomain}}
        mydomain = {{PostfixServer.LocalDomain}}
        myorigin = {{PostfixServer.LocalDomain}}
        mydestination =
        inet_interfaces = 127.0.0.1
        inet_protocols = ipv4
        mynetworks = 127.0.0.0/8
        smtp_dns_support_level = disabled
        alias_maps =
        alias_database =
        local_recipient_maps =
        biff = no
        smtputf8_enable = yes
        # Mail for the local domain goes to the test Dovecot's mailbox users through dovecot-lda; an
        # unknown user is accepted first and bounced afterwards, like most real servers do.
        relay_domains = {{PostfixServer.LocalDomain}}
        relay_transport = dovecot
        # Plus addressing: name+anything@mail.test reaches user name (VERP return paths need it).
        recipient_delimiter = +
        dovecot_destination_recipient_limit = 1
        # A domain whose unknown users are refused at RCPT TO (550 5.1.1).
        virtual_mailbox_domains = {{PostfixServer.RejectingDomain}}
        virtual_mailbox_maps = inline:{ {known@{{PostfixServer.RejectingDomain}}=known/} }
        virtual_transport = discard
        default_transport = error:5.7.1 mail outside the test domains is not delivered
        # A sender domain refused at MAIL FROM.
        smtpd_sender_restrictions = check_sender_access inline:{ {{{PostfixServer.RejectedSenderDomain}}=REJECT} }
        smtpd_sasl_type = dovecot
        smtpd_sasl_path = {{DovecotAuthSocketPath}}
        smtpd_tls_cert_file = {{CertificatePath}}
        smtpd_tls_key_file = {{KeyPath}}
        smtpd_tls_security_level = may
        # Tests send wrong commands on purpose: answer at once.
        smtpd_error_sleep_time = 0
        smtpd_soft_error_limit = 100
        smtpd_hard_error_limit = 100
        # Delivery retries come quickly, so a queue flush is not needed in tests.
        queue_run_delay = 5s
        minimal_backoff_time = 5s
        maximal_backoff_time = 10s

        """);

    public string RenderMaster() => string.Create(CultureInfo.InvariantCulture, $$"""
        # Relay from 127.0.0.1 without authentication (like a LAN relay).
        127.0.0.1:{{SmtpPort}} inet n - n - - smtpd
        # Submission: STARTTLS required, authentication required for relaying.
        127.0.0.1:{{SubmissionPort}} inet n - n - - smtpd
          -o smtpd_tls_security_level=encrypt
          -o smtpd_sasl_auth_enable=yes
          -o smtpd_tls_auth_only=yes
          -o mynetworks=
          -o smtpd_relay_restrictions=permit_sasl_authenticated,reject_unauth_destination
        # SMTPS: TLS from the first byte, authentication required.
        127.0.0.1:{{SmtpsPort}} inet n - n - - smtpd
          -o smtpd_tls_wrappermode=yes
          -o smtpd_sasl_auth_enable=yes
          -o mynetworks=
          -o smtpd_relay_restrictions=permit_sasl_authenticated,reject_unauth_destination
        # Small limits: too many recipients (452 4.5.3) and too large (552 5.3.4).
        127.0.0.1:{{LimitedPort}} inet n - n - - smtpd
          -o smtpd_recipient_limit={{PostfixServer.LimitedRecipients}}
          -o message_size_limit={{PostfixServer.LimitedSizeBytes}}
        pickup    unix  n       -       n       60      1       pickup
        cleanup   unix  n       -       n       -       0       cleanup
        qmgr      unix  n       -       n       300     1       qmgr
        tlsmgr    unix  -       -       n       1000?   1       tlsmgr
        rewrite   unix  -       -       n       -       -       trivial-rewrite
        bounce    unix  -       -       n       -       0       bounce
        defer     unix  -       -       n       -       0       bounce
        trace     unix  -       -       n       -       0       bounce
        verify    unix  -       -       n       -       1       verify
        flush     unix  n       -       n       1000?   0       flush
        proxymap  unix  -       -       n       -       -       proxymap
        smtp      unix  -       -       n       -       -       smtp
        relay     unix  -       -       n       -       -       smtp
        showq     unix  n       -       n       -       -       showq
        error     unix  -       -       n       -       -       error
        retry     unix  -       -       n       -       -       error
        discard   unix  -       -       n       -       -       discard
        anvil     unix  -       -       n       -       1       anvil
        scache    unix  -       -       n       -       1       scache
        postlog   unix-dgram n  -       n       -       1       postlogd
        dovecot   unix  -       n       n       -       -       pipe
          flags=DRhu user=nobody argv=/usr/lib/dovecot/dovecot-lda -c {{DovecotConfigPath}} -o log_path=/dev/stderr -o stats_writer_socket_path= -f ${sender} -d ${user}

        """);
}
