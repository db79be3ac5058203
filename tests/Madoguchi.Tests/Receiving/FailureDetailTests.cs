using System.ComponentModel;
using System.Net.Sockets;
using Madoguchi.Core.Network;
using Madoguchi.Core.Receiving;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Receiving.Servers;
using Madoguchi.Core.Storage;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Security;

namespace Madoguchi.Tests.Receiving;

public sealed class FailureDetailTests
{
    private const string Secret = "S3CR3T-remote-banner";

    private static readonly ServerConnection Connection = new(Guid.NewGuid(), "mail.example.com", 993, MailSecurity.Tls, true, "support", "pw");

    [Fact]
    public void ProtocolError_FromANonMailService_DoesNotEchoItsBanner()
    {
        var imap = ReceiveFailureClassifier.Classify(new ImapProtocolException("Syntax error in server greeting. Unexpected token: SSH-2.0-OpenSSH_9.2p1"));
        var pop = ReceiveFailureClassifier.Classify(new Pop3ProtocolException("Unexpected response from server: HTTP/1.1 400 Bad Request Server: internal-admin"));

        Assert.Equal(ReceiveErrorCode.ConnectionLost, imap.Code);
        Assert.DoesNotContain("SSH-2.0", imap.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("internal-admin", pop.Detail, StringComparison.Ordinal);
        Assert.Contains("not shown", pop.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusedAddress_KeepsItsCodeAndShortDetail()
    {
        var failure = ReceiveFailureClassifier.Classify(new OutboundAddressRefusedException(OutboundErrorCode.LoopbackNotAllowed, "127.0.0.1 is a loopback address."));

        Assert.Equal("loopback_not_allowed", failure.Code);
        Assert.Equal("127.0.0.1 is a loopback address.", failure.Detail);
        Assert.Contains("Madoguchi:Network:AllowLoopback", failure.Text.En, StringComparison.Ordinal);
        Assert.Contains("Madoguchi:Network:AllowLoopback", failure.Text.Ja, StringComparison.Ordinal);
    }

    public static TheoryData<Exception, string> Exceptions() => new()
    {
        { new SocketException((int)SocketError.ConnectionRefused), ReceiveErrorCode.ConnectionRefused },
        { new SocketException((int)SocketError.HostNotFound), ReceiveErrorCode.NameLookupFailed },
        { new SocketException((int)SocketError.TimedOut), ReceiveErrorCode.TimedOut },
        { new SocketException((int)SocketError.HostUnreachable), ReceiveErrorCode.NetworkUnreachable },
        { new SocketException((int)SocketError.ConnectionReset), ReceiveErrorCode.ConnectionLost },
        { new IOException(Secret), ReceiveErrorCode.ConnectionLost },
        { new IOException(Secret, new SocketException((int)SocketError.ConnectionReset)), ReceiveErrorCode.ConnectionLost },
        { new EndOfStreamException(Secret), ReceiveErrorCode.ConnectionLost },
        { new ServiceNotConnectedException(Secret), ReceiveErrorCode.ConnectionLost },
        { new ImapProtocolException(Secret), ReceiveErrorCode.ConnectionLost },
        { new Pop3ProtocolException(Secret), ReceiveErrorCode.ConnectionLost },
        { new ImapProtocolException(Secret, new IOException(Secret, new SocketException((int)SocketError.TimedOut))), ReceiveErrorCode.TimedOut },
        { new SslHandshakeException(Secret), ReceiveErrorCode.TlsFailed },
        { new System.Security.Authentication.AuthenticationException(Secret), ReceiveErrorCode.TlsFailed },
        { new TimeoutException(Secret), ReceiveErrorCode.TimedOut },
        { new OperationCanceledException(Secret), ReceiveErrorCode.TimedOut },
        { new NotSupportedException("STARTTLS " + Secret), ReceiveErrorCode.StartTlsUnsupported },
        { new InvalidOperationException(Secret), ReceiveErrorCode.Unknown },
        { new Win32Exception(5, Secret), ReceiveErrorCode.Unknown },
        { new NotMailServerException("IMAP"), ReceiveErrorCode.NotMailServer },
        { new ClosedBeforeGreetingException("POP3"), ReceiveErrorCode.ConnectionLost },
        { new BlobStorageException(new IOException(Secret, 28)), ReceiveErrorCode.StorageFailed },
        { new BlobStorageException(new Win32Exception(5, Secret)), ReceiveErrorCode.StorageFailed },
        { new UnauthorizedAccessException(Secret), ReceiveErrorCode.StorageFailed },
    };

    [Theory, MemberData(nameof(Exceptions))]
    public void Detail_IsOurWords_NeverTheExceptionsMessage(Exception exception, string code)
    {
        var failure = ReceiveFailureClassifier.Classify(exception, new CertificateObservation(), Connection);

        Assert.Equal(code, failure.Code);
        Assert.DoesNotContain(Secret, failure.Detail, StringComparison.Ordinal);
        for (var e = exception; e is not null; e = e.InnerException)
            Assert.DoesNotContain(e.Message, failure.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Detail);
        Assert.InRange(failure.Detail.Length, 1, 300);
    }

    [Fact]
    public void Details_NameWhatWeKnow()
    {
        Assert.Equal("connection refused by mail.example.com:993",
            ReceiveFailureClassifier.Classify(new SocketException((int)SocketError.ConnectionRefused), connection: Connection).Detail);
        Assert.Contains("not an IMAP server", ReceiveFailureClassifier.Classify(new NotMailServerException("IMAP"), connection: Connection).Detail, StringComparison.Ordinal);
        Assert.Contains("no space left on the disk",
            ReceiveFailureClassifier.Classify(new BlobStorageException(new IOException(Secret, 28))).Detail, StringComparison.Ordinal);
        Assert.Contains("no certificate was received", ReceiveFailureClassifier.Classify(new SslHandshakeException(Secret), new CertificateObservation()).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerAnswerToACommand_IsShown_OneCleanShortLine()
    {
        var text = "[AUTHENTICATIONFAILED] Authentication\u0007 failed.\u202e " + new string('x', 500) + "\r\n* secret second line";
        var imap = ReceiveFailureClassifier.Classify(new ImapCommandException(ImapCommandResponse.No, text, Secret));
        var auth = ReceiveFailureClassifier.Classify(new AuthenticationException(text));
        var pop = ReceiveFailureClassifier.Classify(new Pop3CommandException(Secret, "[SYS/TEMP] try later\u0000\u001b[31m"));

        Assert.Equal(ReceiveErrorCode.AuthenticationFailed, imap.Code);
        Assert.Contains("the server said: [AUTHENTICATIONFAILED] Authentication failed. xxx", imap.Detail, StringComparison.Ordinal);
        Assert.Equal(ReceiveErrorCode.AuthenticationFailed, auth.Code);
        Assert.Contains("[AUTHENTICATIONFAILED]", auth.Detail, StringComparison.Ordinal);
        Assert.Equal(ReceiveErrorCode.ServerBusy, pop.Code);
        Assert.Contains("[SYS/TEMP] try later[31m", pop.Detail, StringComparison.Ordinal);
        foreach (var failure in new[] { imap, auth, pop })
        {
            Assert.DoesNotContain(Secret, failure.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain("second line", failure.Detail, StringComparison.Ordinal);
            Assert.DoesNotContain(failure.Detail, c => char.IsControl(c) || c == '\u202e');
            Assert.InRange(failure.Detail.Length, 1, ServerText.MaxLength + 60);
        }
    }

    [Theory]
    [InlineData("NO [UNAVAILABLE] Internal error", "NO [UNAVAILABLE] Internal error")]
    [InlineData("  a\tb\u0000c  \r\nsecond", "a bc")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void ServerText_KeepsOneCleanLine(string? text, string expected) => Assert.Equal(expected, ServerText.Clean(text));

    [Fact]
    public void ServerText_IsLimited() => Assert.Equal(ServerText.MaxLength, ServerText.Clean(new string('あ', 1000)).Length);
}
