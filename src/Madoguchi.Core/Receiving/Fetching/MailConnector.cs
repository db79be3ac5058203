using System.Net.Sockets;
using MailKit;
using MailKit.Security;
using Madoguchi.Core.Network;
using Madoguchi.Core.Receiving.Servers;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>Everything needed to sign in to one receive server; the password is in clear only in memory.</summary>
public sealed record ServerConnection(Guid ServerId, string Host, int Port, MailSecurity Security, bool ValidateCertificate, string Username, string Password)
{
    public override string ToString() => $"{Username}@{Host}:{Port} ({Security})";
}

/// <summary>Connects and signs in MailKit clients the same way for fetching, testing, IDLE and searching. The TCP
/// connection is always opened by <see cref="GuardedConnector"/> to an address it checked, and handed to MailKit with the
/// host name, which MailKit uses for TLS SNI and the certificate's name check.</summary>
internal static class MailConnector
{
    public static SecureSocketOptions SocketOptions(MailSecurity security) => security switch
    {
        MailSecurity.Tls => SecureSocketOptions.SslOnConnect,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        // Never Auto: "none" means exactly no TLS, so a setting cannot silently change behaviour.
        _ => SecureSocketOptions.None,
    };

    public static void Prepare(IMailService client, ServerConnection connection, CertificateObservation certificate, TimeSpan timeout)
    {
        client.Timeout = (int)timeout.TotalMilliseconds;
        // Revocation lists would be fetched over the network from the mail host's CA; not every installation can reach them.
        client.CheckCertificateRevocation = false;
        client.ServerCertificateValidationCallback = (_, cert, chain, errors) =>
        {
            certificate.Record(cert, chain, errors);
            return !connection.ValidateCertificate || errors == System.Net.Security.SslPolicyErrors.None;
        };
    }

    public static async Task ConnectAsync(IMailService client, GuardedConnector connector, ServerConnection connection, CertificateObservation certificate, TimeSpan timeout, CancellationToken ct)
    {
        Prepare(client, connection, certificate, timeout);
        var socket = await connector.ConnectAsync(connection.Host, connection.Port, timeout, ct);
        await HandOverAsync(client, socket, connection, ct);
        await client.AuthenticateAsync(connection.Username, connection.Password, ct);
    }

    /// <summary>Starts the mail protocol (and TLS) on a socket already connected to a checked address; the client owns it from here.</summary>
    public static async Task HandOverAsync(IMailService client, Socket socket, ServerConnection connection, CancellationToken ct)
    {
        try
        {
            await client.ConnectAsync(socket, connection.Host, connection.Port, SocketOptions(connection.Security), ct);
        }
        catch (Exception e)
        {
            socket.Dispose();
            if (GreetingFault(client, e) is { } fault)
                throw fault;
            throw;
        }
    }

    /// <summary>A protocol error while the greeting is read (not a socket or TLS error) means the service there is not a
    /// mail server, or closed at once. MailKit's exception quotes what the service sent, so it is replaced here by one that
    /// carries nothing of the answer.</summary>
    internal static Exception? GreetingFault(IMailService client, Exception e)
    {
        if (e is not (MailKit.Net.Imap.ImapProtocolException or MailKit.Net.Pop3.Pop3ProtocolException) || HasIoCause(e))
            return null;
        var protocol = client is MailKit.Net.Pop3.Pop3Client ? "POP3" : "IMAP";
        return e.Message.Contains("unexpectedly disconnected", StringComparison.OrdinalIgnoreCase)
            ? new ClosedBeforeGreetingException(protocol)
            : new NotMailServerException(protocol);
    }

    private static bool HasIoCause(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is IOException or SocketException)
                return true;
        return false;
    }
}
