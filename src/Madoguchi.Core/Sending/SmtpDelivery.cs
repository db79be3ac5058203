using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Madoguchi.Core.Network;
using Madoguchi.Core.Receiving.Fetching;
using MimeKit;

namespace Madoguchi.Core.Sending;

/// <summary>Where and how to send: one send address with its password in clear, in memory only.</summary>
public sealed record SmtpConnection(string Host, int Port, Receiving.Servers.MailSecurity Security, bool ValidateCertificate,
    SmtpAuthentication Authentication, string Username, string Password)
{
    public static SmtpConnection Of(SendAddress address, SendPasswordProtector passwords) => new(address.Host, address.Port, address.Security,
        address.ValidateCertificate, address.Authentication, address.Username, passwords.Unprotect(address.ProtectedPassword));

    public override string ToString() => $"{Username}@{Host}:{Port} ({Security})";
}

/// <summary>Opens MailKit's SMTP client the way receiving opens IMAP/POP3: on a socket from <see cref="GuardedConnector"/>
/// (an address the network rules allow), TLS as configured with the certificate check recorded, then AUTH with exactly
/// the configured mechanism.</summary>
internal static class SmtpDelivery
{
    public static SmtpClient NewClient(SmtpConnection connection, CertificateObservation certificate, TimeSpan timeout) => new()
    {
        Timeout = (int)timeout.TotalMilliseconds,
        CheckCertificateRevocation = false,
        ServerCertificateValidationCallback = (_, cert, chain, errors) =>
        {
            certificate.Record(cert, chain, errors);
            return !connection.ValidateCertificate || errors == System.Net.Security.SslPolicyErrors.None;
        },
    };

    /// <summary>Greeting, EHLO and (when configured) TLS on an already connected, checked socket; the client owns it from here.</summary>
    public static async Task HandOverAsync(SmtpClient client, Socket socket, SmtpConnection connection, CancellationToken ct)
    {
        try
        {
            await client.ConnectAsync(socket, connection.Host, connection.Port, MailConnector.SocketOptions(connection.Security), ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task AuthenticateAsync(SmtpClient client, SmtpConnection connection, CancellationToken ct)
    {
        if (connection.Authentication == SmtpAuthentication.None)
            return;
        var credentials = new NetworkCredential(connection.Username, connection.Password);
        SaslMechanism mechanism = connection.Authentication switch
        {
            SmtpAuthentication.Login => new SaslMechanismLogin(credentials),
            SmtpAuthentication.CramMd5 => new SaslMechanismCramMd5(credentials),
            _ => new SaslMechanismPlain(credentials),
        };
        await client.AuthenticateAsync(mechanism, ct);
    }

    /// <summary>Connects, signs in and sends one message to the given envelope. Without a <paramref name="connector"/> the
    /// client connects directly: only for the installation's own SMTP server (monitoring alerts), which the operator
    /// configured, never for a server a customer entered.</summary>
    public static async Task SendAsync(GuardedConnector? connector, SmtpConnection connection, MimeMessage message, string envelopeFrom,
        IReadOnlyList<string> recipients, TimeSpan timeout, CertificateObservation certificate, CancellationToken ct)
    {
        using var client = await OpenAsync(connector, connection, timeout, certificate, ct);
        await client.SendAsync(message, MailboxAddress.Parse(envelopeFrom), recipients.Select(MailboxAddress.Parse), ct);
        await QuitAsync(client, ct);
    }

    /// <summary>A connected, signed-in client (see <see cref="SendAsync"/> for <paramref name="connector"/>).</summary>
    public static async Task<SmtpClient> OpenAsync(GuardedConnector? connector, SmtpConnection connection, TimeSpan timeout, CertificateObservation certificate,
        CancellationToken ct)
    {
        var client = NewClient(connection, certificate, timeout);
        try
        {
            if (connector is null)
            {
                await client.ConnectAsync(connection.Host, connection.Port, MailConnector.SocketOptions(connection.Security), ct);
            }
            else
            {
                var socket = await connector.ConnectAsync(connection.Host, connection.Port, timeout, ct);
                await HandOverAsync(client, socket, connection, ct);
            }
            await AuthenticateAsync(client, connection, ct);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>QUIT after the last message: every message before it was accepted (250 after DATA), so a failed QUIT changes nothing.</summary>
    public static async Task QuitAsync(SmtpClient client, CancellationToken ct)
    {
        try
        {
            if (client.IsConnected)
                await client.DisconnectAsync(quit: true, ct);
        }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException or ServiceNotConnectedException)
        {
        }
    }
}

/// <summary>One SMTP connection kept open for several messages of one send address (the outbox's batches): opened and
/// signed in at the first message, used again while it stays connected, closed after a failure (the next message opens a
/// new one) and at the end.</summary>
internal sealed class SmtpSession(GuardedConnector connector, TimeSpan timeout) : IAsyncDisposable
{
    private SmtpClient? _client;
    private Guid? _addressId;
    private SmtpConnection? _connection;

    /// <summary>What the current (or last) connection's TLS certificate looked like, for explaining a failure.</summary>
    public CertificateObservation Certificate { get; private set; } = new();

    /// <summary>The settings of <paramref name="addressId"/>, loaded once per session; null when the address is gone.</summary>
    public async Task<SmtpConnection?> ConnectionForAsync(Guid addressId, Func<Task<SmtpConnection?>> load)
    {
        if (_addressId == addressId)
            return _connection;
        await CloseAsync();
        _connection = await load();
        _addressId = addressId;
        return _connection;
    }

    public async Task SendAsync(SmtpConnection connection, MimeMessage message, string envelopeFrom, IReadOnlyList<string> recipients, CancellationToken ct)
    {
        if (_client is not { IsConnected: true })
        {
            await CloseAsync();
            Certificate = new CertificateObservation();
            _client = await SmtpDelivery.OpenAsync(connector, connection, timeout, Certificate, ct);
        }
        await _client.SendAsync(message, MailboxAddress.Parse(envelopeFrom), recipients.Select(MailboxAddress.Parse), ct);
    }

    public async Task CloseAsync()
    {
        if (_client is not { } client)
            return;
        _client = null;
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await SmtpDelivery.QuitAsync(client, quick.Token);
        client.Dispose();
    }

    public async ValueTask DisposeAsync() => await CloseAsync();
}
