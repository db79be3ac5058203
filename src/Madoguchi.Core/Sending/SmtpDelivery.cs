using System.Net.Sockets;
using Madoguchi.Core.Network;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Sending.Smtp;
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

/// <summary>Opens Madoguchi's SMTP client (<see cref="SmtpWireClient"/>) the way receiving opens IMAP/POP3: on a socket
/// from <see cref="GuardedConnector"/> (an address the network rules allow), TLS as configured with the certificate check
/// recorded, then AUTH with exactly the configured mechanism.</summary>
internal static class SmtpDelivery
{
    /// <summary>Connects, signs in and sends one message to the given envelope. Without a <paramref name="connector"/> the
    /// client connects directly: only for the installation's own SMTP server (monitoring alerts), which the operator
    /// configured, never for a server a customer entered.</summary>
    public static async Task SendAsync(GuardedConnector? connector, SmtpConnection connection, MimeMessage message, string envelopeFrom,
        IReadOnlyList<string> recipients, TimeSpan timeout, CertificateObservation certificate, CancellationToken ct)
    {
        using var bytes = await WireBytesAsync(message, ct);
        await using var client = await OpenAsync(connector, connection, timeout, certificate, ct);
        await client.SendAsync(bytes, bytes.Length, envelopeFrom, recipients, ct);
        await client.QuitAsync(ct);
    }

    /// <summary>A message made here (not a stored one) as the client sends it: 7-bit, written once, read from the start.</summary>
    public static async Task<MemoryStream> WireBytesAsync(MimeMessage message, CancellationToken ct)
    {
        message.Prepare(EncodingConstraint.SevenBit);
        var bytes = new MemoryStream();
        await message.WriteToAsync(FormatOptions.Default, bytes, ct);
        bytes.Position = 0;
        return bytes;
    }

    /// <summary>A connected, signed-in client (see <see cref="SendAsync"/> for <paramref name="connector"/>).</summary>
    public static async Task<SmtpWireClient> OpenAsync(GuardedConnector? connector, SmtpConnection connection, TimeSpan timeout, CertificateObservation certificate,
        CancellationToken ct)
    {
        Socket socket;
        if (connector is null)
        {
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
                bounded.CancelAfter(timeout);
                await socket.ConnectAsync(connection.Host, connection.Port, bounded.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                socket.Dispose();
                throw new TimeoutException($"{connection.Host}:{connection.Port} did not accept the connection in time.");
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        else
        {
            socket = await connector.ConnectAsync(connection.Host, connection.Port, timeout, ct);
        }
        var client = await SmtpWireClient.OpenAsync(socket, connection, certificate, timeout, ct);
        try
        {
            await client.AuthenticateAsync(connection, ct);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }
}

/// <summary>One SMTP connection at a time for the messages of one send address (the outbox's batches): opened and signed
/// in at the first message, used again while nothing failed for up to <paramref name="messagesPerConnection"/> messages,
/// closed after a failure or that many messages (the next message opens a new one) and at the end.</summary>
internal sealed class SmtpSession(GuardedConnector connector, TimeSpan timeout, int messagesPerConnection) : IAsyncDisposable
{
    private SmtpWireClient? _client;
    private int _sentOnConnection;
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

    /// <summary>Sends the stored bytes of one message; with <paramref name="next"/> (the message the caller sends next,
    /// when it goes on this connection) its envelope is pipelined behind this message's data.</summary>
    public async Task SendAsync(SmtpConnection connection, SmtpMessage message, SmtpMessage? next, CancellationToken ct)
    {
        if (_client is not null && _sentOnConnection >= messagesPerConnection)
            await CloseAsync();
        if (_client is null)
        {
            Certificate = new CertificateObservation();
            _client = await SmtpDelivery.OpenAsync(connector, connection, timeout, Certificate, ct);
            _sentOnConnection = 0;
        }
        _sentOnConnection++;
        await _client.SendAsync(message, _sentOnConnection < messagesPerConnection ? next : null, ct);
    }

    public async Task CloseAsync()
    {
        if (_client is not { } client)
            return;
        _client = null;
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await client.QuitAsync(quick.Token);
        await client.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await CloseAsync();
}
