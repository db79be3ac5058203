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

    public string Describe() => $"certificate {Subject ?? "(none)"}: {Errors}; chain: {ChainStatus}";
}

/// <summary>Turns exceptions from sockets, TLS and MailKit into receive error codes. Pure; unit-tested.</summary>
public static class ReceiveFailureClassifier
{
    public static ReceiveFailure Classify(Exception exception, CertificateObservation? certificate = null)
    {
        if (exception is Network.OutboundAddressRefusedException refused)
            return new ReceiveFailure(refused.Code, refused.Message);
        // What a non-mail service sends (an SSH or HTTP banner, another protocol's greeting) ends up in MailKit's protocol
        // errors: never echoed, so "test connection" cannot be used to read other services' banners.
        if (exception is ImapProtocolException or Pop3ProtocolException)
            return new ReceiveFailure(CodeOf(exception, certificate), $"{exception.GetType().Name}: the server's answer was not a valid {(exception is ImapProtocolException ? "IMAP" : "POP3")} response (not shown).");
        var detail = $"{exception.GetType().Name}: {exception.Message}";
        if (exception.InnerException is { } inner)
            detail += $" ({inner.GetType().Name}: {inner.Message})";
        return new ReceiveFailure(CodeOf(exception, certificate), detail.Length > 2000 ? detail[..2000] : detail);
    }

    private static string CodeOf(Exception exception, CertificateObservation? certificate)
    {
        switch (exception)
        {
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
            case ImapProtocolException or Pop3ProtocolException or ServiceNotConnectedException or IOException when exception.InnerException is SocketException inner:
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
