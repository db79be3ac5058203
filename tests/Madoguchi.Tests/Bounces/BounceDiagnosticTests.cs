using System.Text;
using Madoguchi.Core.Bounces.Analysis;

namespace Madoguchi.Tests.Bounces;

/// <summary>Which words become a recipient's diagnostic (the remote server's text), on hand-made mails: none of these is
/// a corpus file.</summary>
public class BounceDiagnosticTests
{
    private static BounceReport Analyze(string mail) => BounceAnalyzer.Analyze(Encoding.UTF8.GetBytes(mail.Replace("\n", "\r\n", StringComparison.Ordinal)));

    private static string DiagnosticOf(BounceReport report, string address) => Assert.Single(report.Recipients, r => r.Address == address).Diagnostic;

    [Fact]
    public void Analyze_TranscriptWithSeveralRecipients_EachRecipientsWordsStopAtTheNextReply()
    {
        var report = Analyze("""
            From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>
            To: support@example.org
            Subject: Returned mail: Host unknown

               ----- Transcript of session follows -----
            554 <taro@one.example>... Remote protocol error: Connection reset by peer
            550 two.example (smtp)... 550 Host unknown
            554 <jiro@two.example>... 550 Host unknown (Authoritative answer from name server)
            While talking to mx.three.example:
            >>> QUIT
            <<< 421 mx.three.example Service not available
            While talking to mx.four.example:
            >>> RCPT To:<hanako@four.example>
            <<< 550 Requested mailbox not found
            550 <hanako@four.example>... User unknown

               ----- Unsent message follows -----
            From: support@example.org
            To: taro@one.example
            Subject: Re: order
            Message-ID: <reply-9@example.org>

            Hello
            """);

        Assert.Equal(BounceClass.Bounce, report.Class);
        Assert.Equal("554 Remote protocol error: Connection reset by peer", DiagnosticOf(report, "taro@one.example"));
        // The remote server's own reply after the address replaces the reporting server's code in front of it.
        Assert.Equal("550 Host unknown (Authoritative answer from name server)", DiagnosticOf(report, "jiro@two.example"));
        Assert.Equal("550", Assert.Single(report.Recipients, r => r.Address == "jiro@two.example").ReplyCode);
        // The reply to the command that named the address, without the transcript's arrows.
        Assert.Equal("550 Requested mailbox not found", DiagnosticOf(report, "hanako@four.example"));
    }

    [Fact]
    public void Analyze_MultiLineReply_KeepsEveryContinuationLine()
    {
        var report = Analyze("""
            From: MAILER-DAEMON@relay.example.net
            To: support@example.org
            Subject: Undelivered Mail Returned to Sender

            <taro@customer.example>: host mx.customer.example said:
                550-5.1.1 The email account that you tried to reach does not exist.
                550-5.1.1 Please try double-checking the address
                550 5.1.1 for typos. (in reply to RCPT TO command)
            """);

        var recipient = Assert.Single(report.Recipients);
        Assert.Equal("host mx.customer.example said: 550-5.1.1 The email account that you tried to reach does not exist. "
            + "550-5.1.1 Please try double-checking the address 550 5.1.1 for typos. (in reply to RCPT TO command)", recipient.Diagnostic);
        Assert.Equal("5.1.1", recipient.Status);
    }

    [Fact]
    public void Analyze_AddressOnlyInTheOriginalsDetails_DiagnosticIsTheReplyLineNotTheDetails()
    {
        var report = Analyze("""
            From: post_master@sms.example.net
            To: support@example.org
            Subject: Re: order

            Error: Invalid user address

            Error message below:
            550 - Requested action not taken: no such user here

            Message details:
              Subject: order
              MAIL FROM: support@example.org
              RCPT TO: taro@sms.example.net
              From: support@example.org
              CC: recipient list not shown: ;
              Size (in bytes): 120
            """);

        var recipient = Assert.Single(report.Recipients);
        Assert.Equal("taro@sms.example.net", recipient.Address);
        Assert.Equal("550 - Requested action not taken: no such user here", recipient.Diagnostic);
        Assert.Equal(BounceReasons.UserUnknown, recipient.Reason);
    }

    [Fact]
    public void Analyze_AddressRepeatedInTheOriginalsHeaderLines_DiagnosticIsTheLineThatReportsIt()
    {
        var report = Analyze("""
            From: System Administrator <postmaster@example.net>
            To: support@example.org
            Subject: Undeliverable: order

            Your message

              To:      jiro@customer.example
              Subject: order
              Sent:    Thu, 9 May 2024 10:00:00 +0900

            did not reach the following recipient(s):

            jiro@customer.example on Thu, 9 May 2024 10:00:00 +0900
                The recipient name is not recognized
            """);

        var recipient = Assert.Single(report.Recipients);
        Assert.Equal("on Thu, 9 May 2024 10:00:00 +0900 The recipient name is not recognized", recipient.Diagnostic);
    }
}
