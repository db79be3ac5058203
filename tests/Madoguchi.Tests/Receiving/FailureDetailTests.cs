using Madoguchi.Core.Network;
using Madoguchi.Core.Receiving;
using Madoguchi.Core.Receiving.Fetching;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;

namespace Madoguchi.Tests.Receiving;

public sealed class FailureDetailTests
{
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
}
