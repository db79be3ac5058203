using System.Text;
using Madoguchi.Core.Bounces.Analysis;

namespace Madoguchi.Tests.Bounces;

/// <summary>The few servers read in a way of their own (<c>ReportingServer</c>), on hand-made mails: each is known by its
/// own header marks only, and the same words from any other server keep the general reading.</summary>
public class ReportingServerTests
{
    private static BouncedRecipient One(string mail)
    {
        var report = BounceAnalyzer.Analyze(Encoding.UTF8.GetBytes(mail.Replace("\n", "\r\n", StringComparison.Ordinal)));
        Assert.Equal(BounceClass.Bounce, report.Class);
        return Assert.Single(report.Recipients);
    }

    private static string PlainReport(string headers, string words) => $"""
        {headers}
        To: support@example.org
        MIME-Version: 1.0
        Content-Type: text/plain; charset=us-ascii

        Unable to deliver message to the following address(es).

        <taro@customer.example>:
        {words}

        --- Original message follows.

        From: support@example.org
        To: taro@customer.example
        Subject: Re: order
        Message-ID: <reply-1@example.org>

        Thank you.
        """;

    private const string Generic = "From: MAILER-DAEMON@mx.customer.example\nSubject: Undeliverable mail";

    [Theory]
    [InlineData("From: MAILER-DAEMON@mx.customer.example\nSubject: Delivery failure")] // the "X2" format
    [InlineData("From: post_master@customer.example\nSubject: [BOUNCE]")] // Apache James
    [InlineData("From: MAILER-DAEMON@customer.example\nSubject: Undeliverable\nMessage-ID: <12.34.JavaMail.root@mx>")] // Apache James
    [InlineData("From: \"MAILER-DAEMON\" <MAILER-DAEMON@customer.example>\nSubject: FAILURE NOTICE\nX-AHMailID: 123")] // ActiveHunter
    [InlineData("From: mailer-daemon@customer.example\nSubject: Undelivered\nX-ZohoMail: Si")] // Zoho
    public void UserUnknownWithoutStatusOrStage_FromAServerThatNeverNamesTheStage_IsFiltered(string headers)
    {
        var recipient = One(PlainReport(headers, "550 unknown user"));

        Assert.Equal("taro@customer.example", recipient.Address);
        Assert.Equal(BounceReasons.Filtered, recipient.Reason);
        Assert.Equal("5.0.910", recipient.Status);
        Assert.False(recipient.HardBounce);
    }

    [Fact]
    public void UserUnknownWithoutStatus_FromAnyOtherServer_StaysUserUnknown()
    {
        var recipient = One(PlainReport(Generic, "550 unknown user"));

        Assert.Equal(BounceReasons.UserUnknown, recipient.Reason);
        Assert.Equal("5.0.911", recipient.Status);
        Assert.True(recipient.HardBounce);
    }

    [Theory]
    [InlineData("550 unknown user (in reply to RCPT TO command)")]
    [InlineData("550 5.1.1 unknown user")]
    [InlineData("550 user not found")]
    public void ServerThatNeverNamesTheStage_AStageAStatusOrItsOwnWords_KeepUserUnknown(string words)
    {
        var recipient = One(PlainReport("From: post_master@customer.example\nSubject: [BOUNCE]", words));

        Assert.Equal(BounceReasons.UserUnknown, recipient.Reason);
        Assert.StartsWith("5.", recipient.Status);
        Assert.True(recipient.HardBounce);
    }

    [Theory]
    [InlineData("MSEXCH:IMC:MX:CUSTOMER:TARO", BounceReasons.Filtered, "5.0.910")]
    [InlineData("MSEXCH:IMS:MX:CUSTOMER:TARO 0 (000C05A6) Unknown Recipient", BounceReasons.UserUnknown, "5.0.911")]
    public void Exchange_UnknownRecipientWords_AreUserUnknownOnlyWithItsBracketedCode(string exchangeLine, string reason, string status)
    {
        var recipient = One(PlainReport(Generic, "Recipient Not Found\n    " + exchangeLine));

        Assert.Equal(reason, recipient.Reason);
        Assert.Equal(status, recipient.Status);
    }

    private const string OpenSmtpdReport = """
        Received: from localhost (mx.example.org [192.0.2.1])
            by mx.example.org (OpenSMTPD) with ESMTPA id 1a2b3c4d
            for <support@example.org>;
        From: Mailer Daemon <MAILER-DAEMON@mx.example.org>
        To: support@example.org
        Subject: Delivery status notification: error
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="B"

        --B
        Content-Type: text/plain

        Hi!

            This is the MAILER-DAEMON, please DO NOT REPLY to this e-mail.

            An error has occurred while attempting to deliver a message for
            the following list of recipients:

        taro@customer.example: {1}

        --B
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.org

        Final-Recipient: rfc822; taro@customer.example
        Action: {0}
        Status: {2}

        --B
        Content-Type: text/rfc822-headers

        From: support@example.org
        To: taro@customer.example
        Message-ID: <reply-1@example.org>

        --B--
        """;

    [Theory]
    [InlineData("delayed", "Envelope expired", "4.4.7", BounceReasons.Expired, "5.0.947")]
    [InlineData("failed", "Domain does not exist", "5.0.0", BounceReasons.HostUnknown, "5.0.912")]
    [InlineData("failed", "421 4.7.0 Messages from 192.0.2.1 temporarily deferred due to user complaints", "4.0.0", BounceReasons.Blocked, "4.0.971")]
    public void OpenSmtpd_StatusIsTheCodeOfTheReasonItsWordsGive_NotItsGenericFields(string action, string words, string fieldStatus, string reason, string status)
    {
        var recipient = One(OpenSmtpdReport.Replace("{0}", action).Replace("{1}", words).Replace("{2}", fieldStatus));

        Assert.Equal(reason, recipient.Reason);
        Assert.Equal(status, recipient.Status);
    }

    [Fact]
    public void SameRfc3464Report_WithoutOpenSmtpdsMarks_KeepsItsOwnStatusField()
    {
        var recipient = One(OpenSmtpdReport.Replace("(OpenSMTPD)", "(Postfix)").Replace("{0}", "delayed").Replace("{1}", "Envelope expired").Replace("{2}", "4.4.7"));

        Assert.Equal("4.4.7", recipient.Status);
    }

    [Theory]
    [InlineData("From: \"InterScan MSS\" <mailer@mx.example.org>\nSubject: Undeliverable", BounceReasons.UserUnknown, "5.0.911")]
    [InlineData("From: MAILER-DAEMON@mx.example.org\nSubject: Undeliverable", BounceReasons.OnHold, "5.0.901")]
    public void InterScan_UnableToDeliverWithNoReplyBehindIt_IsARefusedRecipient(string headers, string reason, string status)
    {
        var recipient = One($"""
            {headers}
            To: support@example.org
            MIME-Version: 1.0
            Content-Type: text/plain; charset=us-ascii

            Reason: Unable to deliver message to <taro@customer.example> (and other recipients in the same domain).

            --- Original message follows.

            From: support@example.org
            To: taro@customer.example
            Message-ID: <reply-1@example.org>
            """);

        Assert.Equal(reason, recipient.Reason);
        Assert.Equal(status, recipient.Status);
    }
}
