using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Receiving.Servers;

namespace Madoguchi.Core.Sending.Smtp;

/// <summary>One message to send: its content (read from where it stands to its end), its size as stored (for SIZE)
/// and its envelope.</summary>
public sealed record SmtpMessage(Stream Content, long Size, string From, IReadOnlyList<string> Recipients);

/// <summary>Madoguchi's own SMTP client (RFC 5321) for what the outbox sends: the stored bytes of a message go out as they
/// are (line ends made CRLF, dots stuffed), never parsed and written again; with PIPELINING (RFC 2920) MAIL FROM, every
/// RCPT TO and DATA leave together, and the next message's envelope with this message's end of data, so a message costs
/// one round trip after the first. The session is opened like MailKit opened it for
/// receiving: on a socket already checked by the network rules, TLS on connect or by STARTTLS (RFC 3207) with the
/// certificate recorded, EHLO (HELO when refused), then AUTH with exactly the configured mechanism. A refusal is a
/// <see cref="SmtpReplyException"/> naming the command it answered; after any exception the connection is not used again.</summary>
public sealed class SmtpWireClient : IAsyncDisposable
{
    private readonly SmtpChannel _channel;
    private readonly string _host;

    /// <summary>False once anything went wrong: the conversation may be mid-DATA, where even QUIT would be message text.</summary>
    private bool _usable = true;

    private SmtpWireClient(SmtpChannel channel, string host)
    {
        _channel = channel;
        _host = host;
    }

    /// <summary>The EHLO keywords the server announced (upper case), with their parameters.</summary>
    public IReadOnlyDictionary<string, string> Extensions { get; private set; } = new Dictionary<string, string>();

    /// <summary>The server's SIZE limit (RFC 1870); 0 when it states none.</summary>
    public long MaxSize => Extensions.TryGetValue("SIZE", out var size) && long.TryParse(size, CultureInfo.InvariantCulture, out var n) ? n : 0;

    public bool IsEncrypted => _channel.Stream is SslStream;

    /// <summary>Greeting, EHLO and TLS (as <paramref name="connection"/> asks) on a connected socket, which the client owns
    /// from here (disposed on failure too).</summary>
    public static async Task<SmtpWireClient> OpenAsync(Socket socket, SmtpConnection connection, CertificateObservation certificate, TimeSpan timeout,
        CancellationToken ct)
    {
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        var client = new SmtpWireClient(new SmtpChannel(stream, timeout), connection.Host);
        try
        {
            if (connection.Security == MailSecurity.Tls)
                client._channel.Replace(await TlsAsync(stream, connection, certificate, ct));
            var greeting = await client._channel.ReadReplyAsync(ct);
            if (greeting.Code != 220)
                throw new SmtpReplyException(SmtpStage.Greeting, greeting);
            var helo = HeloName(socket);
            await client.HelloAsync(helo, ct);
            if (connection.Security == MailSecurity.StartTls)
            {
                if (!client.Extensions.ContainsKey("STARTTLS"))
                    throw new NotSupportedException("The SMTP server does not support the STARTTLS extension.");
                var ready = await client.CommandAsync("STARTTLS", ct);
                if (ready.Code != 220)
                    throw new SmtpReplyException(SmtpStage.StartTls, ready);
                client._channel.Replace(await TlsAsync(client._channel.Stream, connection, certificate, ct));
                await client.HelloAsync(helo, ct);
            }
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private static async Task<SslStream> TlsAsync(Stream inner, SmtpConnection connection, CertificateObservation certificate, CancellationToken ct)
    {
        var tls = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = connection.Host,
                CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, cert, chain, errors) =>
                {
                    certificate.Record(cert, chain, errors);
                    return !connection.ValidateCertificate || errors == SslPolicyErrors.None;
                },
            }, ct);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    /// <summary>The address literal of this end of the connection, as MailKit says it when no name is configured.</summary>
    private static string HeloName(Socket socket)
    {
        if (socket.LocalEndPoint is not IPEndPoint local)
            return "[127.0.0.1]";
        var address = local.Address.IsIPv4MappedToIPv6 ? local.Address.MapToIPv4() : local.Address;
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[IPv6:{address}]" : $"[{address}]";
    }

    private async Task HelloAsync(string name, CancellationToken ct)
    {
        var reply = await CommandAsync($"EHLO {name}", ct);
        if (reply.Code == 250)
        {
            var extensions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var line in reply.Text.Split('\n').Skip(1))
            {
                // "AUTH PLAIN LOGIN", and the old form some servers still send beside it, "AUTH=PLAIN LOGIN".
                var end = line.IndexOfAny([' ', '=']);
                var keyword = (end < 0 ? line : line[..end]).Trim().ToUpperInvariant();
                if (keyword.Length > 0)
                    extensions.TryAdd(keyword, end < 0 ? "" : line[(end + 1)..].Trim());
            }
            Extensions = extensions;
            return;
        }
        // A server that does not know EHLO (RFC 5321 3.2): HELO, and no extensions.
        var helo = await CommandAsync($"HELO {name}", ct);
        if (helo.Code != 250)
            throw new SmtpReplyException(SmtpStage.Ehlo, reply);
        Extensions = new Dictionary<string, string>();
    }

    /// <summary>AUTH with exactly <paramref name="connection"/>'s mechanism (none: nothing is sent).</summary>
    public async Task AuthenticateAsync(SmtpConnection connection, CancellationToken ct)
    {
        if (connection.Authentication == SmtpAuthentication.None)
            return;
        if (!Extensions.ContainsKey("AUTH"))
            throw new NotSupportedException("The SMTP server does not support authentication.");
        SmtpReply reply;
        switch (connection.Authentication)
        {
            case SmtpAuthentication.Login:
                reply = await CommandAsync("AUTH LOGIN", ct);
                if (reply.Code == 334)
                    reply = await CommandAsync(SmtpSasl.Base64(connection.Username), ct);
                if (reply.Code == 334)
                    reply = await CommandAsync(SmtpSasl.Base64(connection.Password), ct);
                break;
            case SmtpAuthentication.CramMd5:
                reply = await CommandAsync("AUTH CRAM-MD5", ct);
                if (reply.Code == 334)
                {
                    string answer;
                    try
                    {
                        answer = SmtpSasl.CramMd5(connection.Username, connection.Password, reply.Text);
                    }
                    catch (FormatException)
                    {
                        await CommandAsync("*", ct);
                        throw new SmtpProtocolViolationException("The server's CRAM-MD5 challenge is not base64.");
                    }
                    reply = await CommandAsync(answer, ct);
                }
                break;
            default:
                reply = await CommandAsync($"AUTH PLAIN {SmtpSasl.Plain(connection.Username, connection.Password)}", ct);
                break;
        }
        if (reply.Code == 334)
        {
            // More questions than the mechanism has: cancel the exchange (RFC 4954 4) and report the refusal.
            await CommandAsync("*", ct);
            throw new SmtpProtocolViolationException("The server asked for more than the sign-in mechanism sends.");
        }
        if (reply.Code != 235)
            throw new SmtpReplyException(SmtpStage.Auth, reply);
    }

    /// <summary>Sends one message: the envelope, then its bytes from <paramref name="content"/> (read to its end). Returns
    /// the server's acceptance; a refusal throws, and then the connection must be closed (a pipelined DATA may have been
    /// accepted for other recipients: only closing the connection withdraws it).</summary>
    public Task<SmtpReply> SendAsync(Stream content, long size, string envelopeFrom, IReadOnlyList<string> recipients, CancellationToken ct) =>
        SendAsync(new SmtpMessage(content, size, envelopeFrom, recipients), null, ct);

    /// <summary>Sends <paramref name="message"/> as <see cref="SendAsync(Stream, long, string, IReadOnlyList{string}, CancellationToken)"/>
    /// does. With PIPELINING and a <paramref name="next"/> message (seekable), the next message's MAIL FROM, RCPT TO and
    /// DATA leave in the same packet as this message's end of data (RFC 2920 allows them after the message's content),
    /// so each further message costs one round trip; the call for <paramref name="next"/> must follow, or the connection
    /// be closed without QUIT (it may be in DATA). The next envelope's replies are read in that call: this message's
    /// outcome never waits for them.</summary>
    public async Task<SmtpReply> SendAsync(SmtpMessage message, SmtpMessage? next, CancellationToken ct)
    {
        if (!_usable)
            throw new InvalidOperationException("The SMTP connection failed before and cannot be used again.");
        if (_announced is not null && !ReferenceEquals(_announced, message))
        {
            _usable = false;
            throw new InvalidOperationException("Another message's envelope was sent ahead on this connection.");
        }
        try
        {
            return await TransferAsync(message, next, ct);
        }
        catch
        {
            _usable = false;
            throw;
        }
    }

    /// <summary>The message whose envelope went out after the last message's data, its replies not yet read, and its
    /// first bytes as read then (its content was left where it stood, for another connection to read from the start).</summary>
    private SmtpMessage? _announced;
    private byte[]? _announcedFirst;
    private int _announcedCount;

    private async Task<SmtpReply> TransferAsync(SmtpMessage message, SmtpMessage? next, CancellationToken ct)
    {
        byte[] buffer;
        ArraySegment<byte> first;
        if (_announced is not null && _announcedFirst is { } kept)
        {
            (buffer, first, _announcedFirst) = (kept, new ArraySegment<byte>(kept, 0, _announcedCount), null);
            message.Content.Position += _announcedCount;
        }
        else
        {
            buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
            first = ReadFull(message.Content, buffer);
        }
        try
        {
            var pipelining = Extensions.ContainsKey("PIPELINING");
            if (_announced is null)
            {
                // MAIL FROM, the RCPT TOs, DATA: without PIPELINING each but DATA answered before the next.
                var envelope = EnvelopeCommands(message, EightBit(first, buffer.Length));
                for (var i = 0; i < envelope.Count; i++)
                {
                    _channel.Command(envelope[i]);
                    if (!pipelining && i < envelope.Count - 1)
                        Expect(await CommandRepliedAsync(ct), i == 0 ? SmtpStage.MailFrom : SmtpStage.RcptTo);
                }
                await _channel.FlushAsync(ct);
            }
            _announced = null;
            if (pipelining)
            {
                // Every reply is read before judging (they answer in order); the first refusal is the one reported.
                SmtpReplyException? refused = null;
                var mail = await _channel.ReadReplyAsync(ct);
                if (mail.Code != 250)
                    refused = new SmtpReplyException(SmtpStage.MailFrom, mail);
                foreach (var _ in message.Recipients)
                {
                    var rcpt = await _channel.ReadReplyAsync(ct);
                    if (rcpt.Code is not (250 or 251) && refused is null)
                        refused = new SmtpReplyException(SmtpStage.RcptTo, rcpt);
                }
                var data = await _channel.ReadReplyAsync(ct);
                if (refused is not null)
                    throw refused;
                Expect(data, SmtpStage.Data, 354);
            }
            else
            {
                Expect(await _channel.ReadReplyAsync(ct), SmtpStage.Data, 354);
            }
            var encoder = new SmtpDataEncoder(_channel.Output);
            encoder.Append(first);
            if (first.Count == buffer.Length)
            {
                int read;
                while ((read = message.Content.Read(buffer)) > 0)
                {
                    if (_channel.Output.WrittenCount >= 64 * 1024)
                        await _channel.FlushAsync(ct);
                    encoder.Append(buffer.AsSpan(0, read));
                }
            }
            encoder.Finish();
            if (pipelining && next is { Content.CanSeek: true })
                Announce(next);
            await _channel.FlushAsync(ct);
            var accepted = await _channel.ReadReplyAsync(ct);
            Expect(accepted, SmtpStage.Message);
            return accepted;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Puts <paramref name="next"/>'s envelope after this message's end of data; its first bytes are read (for
    /// BODY=8BITMIME, and kept for its send) and its content left where it was. An envelope this server cannot take is
    /// not announced: it fails in its own call.</summary>
    private void Announce(SmtpMessage next)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        var position = next.Content.Position;
        var first = ReadFull(next.Content, buffer);
        next.Content.Position = position;
        List<string> envelope;
        try
        {
            envelope = EnvelopeCommands(next, EightBit(first, buffer.Length));
        }
        catch (SmtpReplyException)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            return;
        }
        foreach (var command in envelope)
            _channel.Command(command);
        (_announced, _announcedFirst, _announcedCount) = (next, buffer, first.Count);
    }

    /// <summary>8-bit content, or more than the first read shows (then assumed so).</summary>
    private static bool EightBit(ArraySegment<byte> first, int bufferLength) =>
        first.AsSpan().IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0 || first.Count == bufferLength;

    /// <summary>MAIL FROM (with SIZE, BODY=8BITMIME, SMTPUTF8 as the server offers them), a RCPT TO per recipient, DATA.</summary>
    private List<string> EnvelopeCommands(SmtpMessage message, bool eightBit)
    {
        var international = !Ascii.IsValid(message.From) || message.Recipients.Any(r => !Ascii.IsValid(r));
        var parameters = new StringBuilder();
        if (Extensions.ContainsKey("SIZE"))
            parameters.Append(CultureInfo.InvariantCulture, $" SIZE={message.Size}");
        if (eightBit && Extensions.ContainsKey("8BITMIME"))
            parameters.Append(" BODY=8BITMIME");
        if (international && Extensions.ContainsKey("SMTPUTF8"))
            parameters.Append(" SMTPUTF8");
        List<string> commands = [$"MAIL FROM:<{Envelope(message.From, international)}>{parameters}"];
        foreach (var recipient in message.Recipients)
            commands.Add($"RCPT TO:<{Envelope(recipient, international)}>");
        commands.Add("DATA");
        return commands;
    }

    /// <summary>The message's first bytes (all of a message up to the buffer's size). Read synchronously: the content is a
    /// stored file (or memory), and an asynchronous file read on Linux only hands the same read to another thread.</summary>
    private static ArraySegment<byte> ReadFull(Stream content, byte[] buffer)
    {
        var length = 0;
        int read;
        while (length < buffer.Length && (read = content.Read(buffer.AsSpan(length))) > 0)
            length += read;
        return new ArraySegment<byte>(buffer, 0, length);
    }

    /// <summary>An envelope address as the server can take it: without SMTPUTF8, an international domain in its ASCII form
    /// (IDNA); a local part outside ASCII cannot be sent to such a server at all.</summary>
    private string Envelope(string address, bool international)
    {
        if (!international || Extensions.ContainsKey("SMTPUTF8") || Ascii.IsValid(address))
            return address;
        var at = address.LastIndexOf('@');
        if (at > 0 && Ascii.IsValid(address.AsSpan(0, at)))
            return address[..at] + "@" + new IdnMapping().GetAscii(address[(at + 1)..]);
        throw new SmtpReplyException(SmtpStage.RcptTo, new SmtpReply(553,
            $"5.6.7 The server does not accept international mail addresses (SMTPUTF8), needed for <{address}>."));
    }

    private async Task<SmtpReply> CommandRepliedAsync(CancellationToken ct)
    {
        await _channel.FlushAsync(ct);
        return await _channel.ReadReplyAsync(ct);
    }

    private async Task<SmtpReply> CommandAsync(string line, CancellationToken ct)
    {
        _channel.Command(line);
        return await CommandRepliedAsync(ct);
    }

    private static void Expect(SmtpReply reply, SmtpStage stage, int code = 250)
    {
        if (reply.Code != code && !(stage == SmtpStage.RcptTo && reply.Code == 251))
            throw new SmtpReplyException(stage, reply);
    }

    /// <summary>QUIT after the last message: every message before it was accepted, so a failed QUIT changes nothing.</summary>
    public async Task QuitAsync(CancellationToken ct)
    {
        // After an announced envelope the server may be in DATA, where QUIT would be message text: just close.
        if (!_usable || _announced is not null)
            return;
        try
        {
            await CommandAsync("QUIT", ct);
        }
        catch (Exception e) when (e is IOException or SocketException or TimeoutException or OperationCanceledException or ObjectDisposedException
            or AuthenticationException)
        {
        }
    }

    public override string ToString() => $"SMTP to {_host}";

    public async ValueTask DisposeAsync() => await _channel.DisposeAsync();
}
