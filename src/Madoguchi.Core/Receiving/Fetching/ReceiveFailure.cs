using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Net.Security;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Security;
using SystemAuthenticationException = System.Security.Authentication.AuthenticationException;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>A classified failure: stable code plus the technical detail for the administrator.</summary>
public sealed record ReceiveFailure(string Code, string Detail)
{
    public ReceiveErrorText Text => ReceiveErrors.Describe(Code);
}

/// <summary>What the certificate check saw during the TLS handshake, so a failed handshake can be named precisely.</summary>
public sealed class CertificateObservation
{
    public SslPolicyErrors Errors { get; private set; }
    public X509ChainStatusFlags ChainStatus { get; private set; }
    public string? Subject { get; private set; }

    public void Record(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        Errors = errors;
        Subject = certificate?.Subject;
        ChainStatus = chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status) ?? X509ChainStatusFlags.NoError;
    }

    /// <summary>The code for the certificate problem seen, or null when the certificate was fine.</summary>
    public string? ProblemCode()
    {
        if (Errors == SslPolicyErrors.None)
            return null;
        if ((ChainStatus & (X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotTimeNested)) != 0)
            return ReceiveErrorCode.CertificateExpired;
        if ((Errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            return ReceiveErrorCode.CertificateUntrusted;
        if ((Errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            return ReceiveErrorCode.CertificateNameMismatch;
        return ReceiveErrorCode.CertificateUntrusted;
    }

    /// <summary>What was seen, in our words. The subject comes from the remote certificate, so it is cleaned like server text.</summary>
    public string Describe() => $"certificate {(Subject is null ? "(none)" : ServerText.Clean(Subject))}: {Errors}; chain: {ChainStatus}";
}

/// <summary>The greeting on a connection was not the mail protocol's (an SSH or HTTP banner, another protocol, random
/// bytes): the service there is not an IMAP/POP3 server. Its answer is deliberately not kept.</summary>
public sealed class NotMailServerException(string protocol) : Exception($"The service did not answer with a {protocol} greeting.")
{
    public string Protocol { get; } = protocol;
}

/// <summary>The server closed the connection before sending its greeting.</summary>
public sealed class ClosedBeforeGreetingException(string protocol) : Exception($"The connection was closed before a {protocol} greeting.")
{
    public string Protocol { get; } = protocol;
}

/// <summary>Turns exceptions from sockets, TLS, MailKit and the blob store into receive error codes and a short detail of
/// our own words: never an exception's message, never a banner. The one exception is a mail server's answer to a mail
/// command after a valid greeting (NO/BAD/-ERR with its text), shown trimmed by <see cref="ServerText"/>. Pure; unit-tested.</summary>
public static class ReceiveFailureClassifier
{
    public static ReceiveFailure Classify(Exception exception, CertificateObservation? certificate = null, ServerConnection? connection = null)
    {
        if (exception is Network.OutboundAddressRefusedException refused)
            return new ReceiveFailure(refused.Code, refused.Message);
        var code = CodeOf(exception, certificate);
        return new ReceiveFailure(code, DetailOf(exception, code, certificate, connection));
    }

    private static string DetailOf(Exception exception, string code, CertificateObservation? certificate, ServerConnection? connection)
    {
        var at = connection is null ? "" : $" {connection.Host}:{connection.Port}";
        var words = ServerWords(exception);
        var said = words.Length == 0 ? "" : $"; the server said: {words}";
        var socket = FindSocketError(exception);
        return code switch
        {
            ReceiveErrorCode.NotMailServer => $"the service at{(at.Length == 0 ? " this address" : at)} did not answer with {Article(exception)} {Protocol(exception)} greeting: not {Article(exception)} {Protocol(exception)} server (its answer is not shown)",
            ReceiveErrorCode.NameLookupFailed => $"name lookup of {connection?.Host ?? "the host"} failed ({socket?.ToString() ?? "no address"})",
            ReceiveErrorCode.ConnectionRefused => $"connection refused by{(at.Length == 0 ? " the server" : at)}",
            ReceiveErrorCode.TimedOut => $"no answer from{(at.Length == 0 ? " the server" : at)} within the time limit",
            ReceiveErrorCode.NetworkUnreachable => $"no route to{(at.Length == 0 ? " the server" : at)} ({socket?.ToString() ?? "unreachable"})",
            ReceiveErrorCode.ConnectionLost when exception is ClosedBeforeGreetingException closed => $"{(at.Length == 0 ? "the server" : at.Trim())} closed the connection before sending a{(closed.Protocol == "IMAP" ? "n" : "")} {closed.Protocol} greeting",
            ReceiveErrorCode.ConnectionLost when exception is ImapProtocolException or Pop3ProtocolException && socket is null => $"the server's answer was not a valid {(exception is ImapProtocolException ? "IMAP" : "POP3")} response, or the connection closed (not shown)",
            ReceiveErrorCode.ConnectionLost => $"the connection{(at.Length == 0 ? "" : " to" + at)} was closed or reset ({socket?.ToString() ?? "end of stream"})",
            ReceiveErrorCode.CertificateUntrusted or ReceiveErrorCode.CertificateNameMismatch or ReceiveErrorCode.CertificateExpired =>
                $"TLS handshake failed: {code.Replace('_', ' ')}{(connection is null ? "" : $" (expected {connection.Host})")}; {certificate?.Describe()}",
            ReceiveErrorCode.TlsFailed => certificate?.Subject is null
                ? "TLS handshake failed: no certificate was received (the port may not speak TLS)"
                : $"TLS handshake failed; {certificate.Describe()}",
            ReceiveErrorCode.TlsRequired => "the server refuses sign-in without TLS" + said,
            ReceiveErrorCode.StartTlsUnsupported => "the server does not offer STARTTLS",
            ReceiveErrorCode.AuthenticationFailed => "the server refused the sign-in" + said,
            ReceiveErrorCode.FolderMissing => (exception is FolderNotFoundException f ? $"the folder \"{ServerText.Clean(f.FolderName)}\" does not exist" : "the folder does not exist") + said,
            ReceiveErrorCode.ServerBusy => "the server is temporarily unavailable" + said,
            ReceiveErrorCode.ProtocolError => exception switch
            {
                ImapCommandException imap => $"the IMAP server answered {imap.Response.ToString().ToUpperInvariant()}" + said,
                Pop3CommandException => "the POP3 server answered -ERR" + said,
                _ => "the server's answer could not be understood (not shown)",
            },
            ReceiveErrorCode.StorageFailed => exception is Madoguchi.Core.Storage.BlobStorageException blob
                ? $"writing the original to the data folder failed: {blob.Summary}"
                : "writing to the data folder failed: permission denied",
            _ => $"unexpected {exception.GetType().Name}",
        };
    }

    /// <summary>A mail server's own answer to a command after its greeting: allowed, cleaned. Nothing else is.</summary>
    private static string ServerWords(Exception exception) => exception switch
    {
        ImapCommandException imap => ServerText.Clean(imap.ResponseText),
        Pop3CommandException pop => ServerText.Clean(pop.StatusText),
        // MailKit's sign-in refusal carries the server's answer to LOGIN/AUTHENTICATE/PASS as its message.
        AuthenticationException auth => ServerText.Clean(auth.Message),
        _ => "",
    };

    private static string Article(Exception exception) => Protocol(exception) == "POP3" ? "a" : "an";

    private static string Protocol(Exception exception) => exception is NotMailServerException n ? n.Protocol : "IMAP/POP3";

    private static SocketError? FindSocketError(Exception exception) => FindSocket(exception)?.SocketErrorCode;

    private static SocketException? FindSocket(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            if (e is SocketException s)
                return s;
        return null;
    }

    private static string CodeOf(Exception exception, CertificateObservation? certificate)
    {
        switch (exception)
        {
            case NotMailServerException:
                return ReceiveErrorCode.NotMailServer;
            case ClosedBeforeGreetingException:
                return ReceiveErrorCode.ConnectionLost;
            case Madoguchi.Core.Storage.BlobStorageException or UnauthorizedAccessException:
                return ReceiveErrorCode.StorageFailed;
            case SslHandshakeException or SystemAuthenticationException when certificate?.ProblemCode() is { } code:
                return code;
            case SslHandshakeException or SystemAuthenticationException:
                return ReceiveErrorCode.TlsFailed;
            case AuthenticationException when IsTlsRequiredText(exception.Message):
                return ReceiveErrorCode.TlsRequired;
            case AuthenticationException:
                return ReceiveErrorCode.AuthenticationFailed;
            case ImapCommandException imap when IsTlsRequiredText(imap.ResponseText) || IsTlsRequiredText(imap.Message):
                return ReceiveErrorCode.TlsRequired;
            case ImapCommandException { Response: ImapCommandResponse.No } imap when IsAuthenticationText(imap.ResponseText):
                return ReceiveErrorCode.AuthenticationFailed;
            case Pop3CommandException pop when IsAuthenticationText(pop.Message + " " + pop.StatusText):
                return ReceiveErrorCode.AuthenticationFailed;
            case NotSupportedException ns when ns.Message.Contains("STARTTLS", StringComparison.OrdinalIgnoreCase):
                return ReceiveErrorCode.StartTlsUnsupported;
            case FolderNotFoundException:
                return ReceiveErrorCode.FolderMissing;
            case ImapCommandException imap when imap.ResponseText.Contains("[UNAVAILABLE]", StringComparison.OrdinalIgnoreCase)
                || imap.ResponseText.Contains("[INUSE]", StringComparison.OrdinalIgnoreCase)
                || imap.ResponseText.Contains("[LIMIT]", StringComparison.OrdinalIgnoreCase):
                return ReceiveErrorCode.ServerBusy;
            case ImapCommandException imap when imap.ResponseText.Contains("[NONEXISTENT]", StringComparison.OrdinalIgnoreCase)
                || imap.ResponseText.Contains("Mailbox doesn't exist", StringComparison.OrdinalIgnoreCase):
                return ReceiveErrorCode.FolderMissing;
            case Pop3CommandException pop when (pop.Message + pop.StatusText).Contains("[IN-USE]", StringComparison.OrdinalIgnoreCase)
                || (pop.Message + pop.StatusText).Contains("[SYS/TEMP]", StringComparison.OrdinalIgnoreCase):
                return ReceiveErrorCode.ServerBusy;
            case SocketException socket:
                return socket.SocketErrorCode switch
                {
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain or SocketError.NoRecovery => ReceiveErrorCode.NameLookupFailed,
                    SocketError.ConnectionRefused => ReceiveErrorCode.ConnectionRefused,
                    SocketError.TimedOut => ReceiveErrorCode.TimedOut,
                    SocketError.NetworkUnreachable or SocketError.HostUnreachable or SocketError.NetworkDown or SocketError.HostDown => ReceiveErrorCode.NetworkUnreachable,
                    SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown => ReceiveErrorCode.ConnectionLost,
                    _ => ReceiveErrorCode.ConnectionLost,
                };
            case TimeoutException or OperationCanceledException:
                return ReceiveErrorCode.TimedOut;
            case ImapProtocolException or Pop3ProtocolException or ServiceNotConnectedException or IOException when FindSocket(exception) is { } inner:
                return CodeOf(inner, certificate);
            case ImapProtocolException or Pop3ProtocolException or ServiceNotConnectedException or EndOfStreamException:
                return ReceiveErrorCode.ConnectionLost;
            case IOException io when io.InnerException is SocketException s:
                return CodeOf(s, certificate);
            case IOException:
                return ReceiveErrorCode.ConnectionLost;
            case ImapCommandException or Pop3CommandException:
                return ReceiveErrorCode.ProtocolError;
            default:
                return exception.InnerException is { } innerException ? CodeOf(innerException, certificate) : ReceiveErrorCode.Unknown;
        }
    }

    /// <summary>Servers that refuse plain-text login say so in words (Dovecot: "Plaintext authentication disallowed").</summary>
    public static bool IsTlsRequiredText(string text) =>
        text.Contains("Plaintext authentication disallowed", StringComparison.OrdinalIgnoreCase)
        || text.Contains("[PRIVACYREQUIRED]", StringComparison.OrdinalIgnoreCase)
        || text.Contains("LOGINDISABLED", StringComparison.OrdinalIgnoreCase);

    private static bool IsAuthenticationText(string text) =>
        text.Contains("[AUTHENTICATIONFAILED]", StringComparison.OrdinalIgnoreCase)
        || text.Contains("[AUTH]", StringComparison.OrdinalIgnoreCase)
        || text.Contains("Authentication failed", StringComparison.OrdinalIgnoreCase);
}
