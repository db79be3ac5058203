using System.Text;
using Madoguchi.Core.Bounces.Analysis;

namespace Madoguchi.Tests.Bounces;

/// <summary>The general rules, on hand-made mails: none of these is a corpus file.</summary>
public class BounceAnalyzerTests
{
    private static BounceReport Analyze(string mail) => BounceAnalyzer.Analyze(Encoding.UTF8.GetBytes(mail.Replace("\n", "\r\n", StringComparison.Ordinal)));

    private const string Dsn = """
        From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
        To: support@example.org
        Subject: Undelivered Mail Returned to Sender
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="B"

        --B
        Content-Type: text/plain

        Your message could not be delivered.

        --B
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.example.net

        Final-Recipient: rfc822; taro@customer.example
        Action: failed
        Status: {0}
        Diagnostic-Code: smtp; {1}

        --B
        Content-Type: text/rfc822-headers

        From: support@example.org
        To: taro@customer.example
        Subject: Re: order
        Message-ID: <reply-1@example.org>

        --B--
        """;

    [Fact]
    public void Analyze_Rfc3464Report_ReadsRecipientStatusReasonAndOriginalMessageId()
    {
        var report = Analyze(Dsn.Replace("{0}", "5.1.1").Replace("{1}", "550 5.1.1 <taro@customer.example>: Recipient address rejected: User unknown"));

        Assert.Equal(BounceClass.Bounce, report.Class);
        var recipient = Assert.Single(report.Recipients);
        Assert.Equal("taro@customer.example", recipient.Address);
        Assert.Equal("5.1.1", recipient.Status);
        Assert.Equal("550", recipient.ReplyCode);
        Assert.Equal(BounceReasons.UserUnknown, recipient.Reason);
        Assert.True(recipient.HardBounce);
        Assert.Equal("reply-1@example.org", report.OriginalMessageId);
    }

    [Theory]
    [InlineData("5.2.2", "552 5.2.2 Mailbox full", BounceReasons.MailboxFull, false)]
    [InlineData("5.0.0", "550 Host unknown", BounceReasons.HostUnknown, true)]
    [InlineData("4.4.7", "Delivery time expired", BounceReasons.Expired, false)]
    [InlineData("5.7.1", "554 5.7.1 Service unavailable; client host blocked using zen.spamhaus.org", BounceReasons.Blocked, false)]
    [InlineData("5.3.4", "552 5.3.4 Message size exceeds fixed limit", BounceReasons.MesgTooBig, false)]
    [InlineData("5.1.6", "550 5.1.6 recipient no longer on server", BounceReasons.HasMoved, true)]
    public void Analyze_Rfc3464Report_ReasonFromWordsAndCodes(string status, string diagnostic, string reason, bool hard)
    {
        var recipient = Assert.Single(Analyze(Dsn.Replace("{0}", status).Replace("{1}", diagnostic)).Recipients);

        Assert.Equal(reason, recipient.Reason);
        Assert.Equal(hard, recipient.HardBounce);
    }

    [Fact]
    public void Analyze_AmazonSesNotificationThroughSns_ReadsTheBouncedRecipientsFromTheJson()
    {
        // Long JSON lines may arrive folded by mail transport: the line break inside a value must not stop the reading.
        var report = Analyze("""
            From: SES <no-reply@sns.amazonaws.com>
            To: support@example.org
            Subject: AWS Notification Message
            MIME-Version: 1.0
            Content-Type: text/plain; charset=UTF-8

            {
              "Type" : "Notification",
              "Message" : "{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\",\"bouncedRecipients\":[{\"emailAddress\":\"taro@customer.example\",\"action\":\"failed\",\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}]},\"mail\":{\"messageId\":\"reply-9@example.org\",\"commonHeaders\":{\"subject\":\"Re: ord
             er\"}}}"
            }
            """);

        Assert.Equal(BounceClass.Bounce, report.Class);
        var recipient = Assert.Single(report.Recipients);
        Assert.Equal("taro@customer.example", recipient.Address);
        Assert.Equal("5.1.1", recipient.Status);
        Assert.Equal(BounceReasons.UserUnknown, recipient.Reason);
    }

    [Fact]
    public void Analyze_SourceRoutedFinalRecipient_FallsBackToTheOriginalRecipient()
    {
        var report = Analyze(Dsn.Replace("Final-Recipient: rfc822; taro@customer.example", "Original-Recipient: rfc822; taro@customer.example\nFinal-Recipient: rfc822; @lmtp.customer.example:taro@store")
            .Replace("{0}", "5.2.0").Replace("{1}", "522 5.2.0 Delivery failed: Over quota"));

        var recipient = Assert.Single(report.Recipients);
        Assert.Equal("taro@customer.example", recipient.Address);
        Assert.Equal(BounceReasons.MailboxFull, recipient.Reason);
    }

    [Fact]
    public void Analyze_RefusalNamingOnlyTheSender_IsRejectedNotTheRecipientsFault()
    {
        var recipient = Assert.Single(Analyze(Dsn.Replace("{0}", "5.2.0")
            .Replace("{1}", "550 5.2.0 <support@example.org> From: Domain is invalid")).Recipients);

        Assert.Equal(BounceReasons.Rejected, recipient.Reason);
        Assert.False(recipient.HardBounce);
    }

    [Fact]
    public void Analyze_ReportPastedIntoAProvidersNotice_ReadsTheInnerReport()
    {
        var report = Analyze("""
            From: MAILER-DAEMON@relay.provider.example
            To: support@example.org
            Subject: Undelivered Mail Returned to Sender
            MIME-Version: 1.0
            Content-Type: text/plain

            The message returned below could not be delivered.
            For further assistance, please contact <helpdesk@provider.example>

            Return-Path: <>
            From: MAILER-DAEMON@mx.provider.example (Mail Delivery System)
            To: support@example.org
            Subject: Undelivered Mail Returned to Sender
            Message-Id: <inner-1@mx.provider.example>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="I"

            --I
            Content-Type: message/delivery-status

            Final-Recipient: rfc822; taro@customer.example
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 User unknown

            --I--
            """);

        Assert.Equal("taro@customer.example", Assert.Single(report.Recipients).Address);
    }

    [Fact]
    public void Analyze_AutomaticUnsubscribeRequest_IsFeedbackNotVacation()
    {
        var report = Analyze("""
            From: taro@customer.example
            To: opt-out-1@example.org
            Subject: unsubscribe
            Auto-Submitted: auto-replied
            X-Apple-Unsubscribe: true
            MIME-Version: 1.0
            Content-Type: text/plain

            Apple Mail sent this email to unsubscribe from the message.
            """);

        Assert.Equal(BounceClass.Feedback, report.Class);
    }

    [Fact]
    public void Analyze_RefusedAtTheGreeting_IsBlocked()
    {
        var recipient = Assert.Single(Analyze(Dsn.Replace("{0}", "4.0.0")
            .Replace("{1}", "host mx.customer.example[192.0.2.1] refused to talk to me: 421 Service not available")).Recipients);

        Assert.Equal(BounceReasons.Blocked, recipient.Reason);
    }

    [Fact]
    public void Analyze_ServersOwnPlainTextFormat_AddressOnItsOwnLineWithTheReasonBelow()
    {
        var report = Analyze("""
            From: MAILER-DAEMON@relay.example.net
            To: support@example.org
            Subject: failure notice

            Hi. This is the mail program at relay.example.net.
            I could not deliver your message to the following addresses.

            <hanako@customer.example>:
            Remote host said: 552 sorry, mailbox is over quota (#5.2.2)

            --- Below this line is a copy of the message.

            Return-Path: <support@example.org>
            From: support@example.org
            To: hanako@customer.example
            Subject: Re: invoice
            Message-ID: <reply-2@example.org>

            Hello
            """);

        Assert.Equal(BounceClass.Bounce, report.Class);
        var recipient = Assert.Single(report.Recipients);
        Assert.Equal("hanako@customer.example", recipient.Address);
        Assert.Equal("5.2.2", recipient.Status);
        Assert.Equal(BounceReasons.MailboxFull, recipient.Reason);
        Assert.False(recipient.HardBounce);
        Assert.Equal("reply-2@example.org", report.OriginalMessageId);
    }

    [Fact]
    public void Analyze_NoStatusCodeAnywhere_StatusStandsForTheReason()
    {
        var report = Analyze("""
            From: Mail Delivery Subsystem <postmaster@mx.example.net>
            To: support@example.org
            Subject: Returned mail: see transcript for details

            The following address had permanent fatal errors:
            jiro@customer.example
                No such user here
            """);

        var recipient = Assert.Single(report.Recipients);
        Assert.Equal(BounceReasons.UserUnknown, recipient.Reason);
        Assert.Equal("5.0.911", recipient.Status);
    }

    [Theory]
    [InlineData("  saburo@customer.example\n    mailbox is full: retry timeout exceeded")]
    // The address only in X-Failed-Recipients (a delivery to a file, named by the file): the report's words still tell.
    [InlineData("  save to /var/mail/saburo\n    generated by saburo\n    mailbox is full: retry timeout exceeded")]
    public void Analyze_EximGaveUpAfterTemporaryFailures_StatusWithoutACodeIsTemporary(string failure)
    {
        var report = Analyze($"""
            From: Mail Delivery System <Mailer-Daemon@mx.example.net>
            To: support@example.org
            Subject: Mail delivery failed: returning message to sender
            X-Failed-Recipients: saburo@customer.example
            Auto-Submitted: auto-replied

            This message was created automatically by mail delivery software.

            A message that you sent could not be delivered to one or more of its
            recipients. This is a permanent error. The following address(es) failed:

            {failure}

            ------ This is a copy of the message, including all the headers. ------
            """);

        var recipient = Assert.Single(report.Recipients);
        Assert.Equal("saburo@customer.example", recipient.Address);
        Assert.Equal(BounceReasons.MailboxFull, recipient.Reason);
        Assert.Equal("4.0.922", recipient.Status);
        Assert.False(recipient.HardBounce);
    }

    [Fact]
    public void Analyze_OldMacLineEnds_ReadLikeAnyOther()
    {
        var mail = "From: MAILER-DAEMON@mx.example.net\rTo: support@example.org\rSubject: Mail delivery failed\r\r"
            + "This message was created automatically by mail delivery software.\r\r  saburo@customer.example\r    550 5.1.1 User unknown\r";

        var report = BounceAnalyzer.Analyze(Encoding.ASCII.GetBytes(mail));

        Assert.Equal("saburo@customer.example", Assert.Single(report.Recipients).Address);
    }

    [Fact]
    public void Analyze_OutOfOfficeReply_IsVacationNotBounce()
    {
        var report = Analyze("""
            From: Taro <taro@customer.example>
            To: support@example.org
            Subject: Out of Office: Re: order
            Auto-Submitted: auto-replied

            I am away until Monday and will not be able to deliver answers before then.
            """);

        Assert.Equal(BounceClass.Vacation, report.Class);
        Assert.False(report.IsBounce);
    }

    [Fact]
    public void Analyze_AbuseFeedbackReport_IsFeedbackNotBounce()
    {
        var report = Analyze("""
            From: feedback@isp.example
            To: abuse@example.org
            Subject: Abuse report
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=feedback-report; boundary="F"

            --F
            Content-Type: text/plain

            This is an email abuse report.

            --F
            Content-Type: message/feedback-report

            Feedback-Type: abuse
            User-Agent: Example/1.0
            Version: 1

            --F
            Content-Type: text/rfc822-headers

            From: support@example.org
            To: taro@customer.example
            Message-ID: <reply-3@example.org>

            --F--
            """);

        Assert.Equal(BounceClass.Feedback, report.Class);
    }

    [Fact]
    public void Analyze_SuccessNotice_IsDeliveredNotBounce()
    {
        var report = Analyze(Dsn.Replace("Action: failed", "Action: delivered").Replace("{0}", "2.0.0").Replace("{1}", "250 2.0.0 OK"));

        Assert.Equal(BounceClass.Delivered, report.Class);
    }

    [Fact]
    public void Analyze_CustomerWritesAboutAnUndeliverableParcel_IsNotBounce()
    {
        var report = Analyze("""
            From: Taro <taro@customer.example>
            To: support@example.org
            Subject: My parcel was undeliverable

            Hello, the parcel could not be delivered to my address and the courier says user unknown.
            Please send it to hanako@customer.example instead.
            """);

        Assert.Equal(BounceClass.NotBounce, report.Class);
        Assert.Empty(report.Recipients);
    }
}

/// <summary>Status rules added for issue 8 §5 (general, on hand-made mails).</summary>
public class BounceStatusRuleTests
{
    private static BounceReport Analyze(string mail) => BounceAnalyzer.Analyze(Encoding.UTF8.GetBytes(mail.Replace("\n", "\r\n", StringComparison.Ordinal)));

    [Fact]
    public void Analyze_RecipientWithOwnStatusAndDiagnosticFields_KeepsItsStatusOverACodeInTheText()
    {
        var report = Analyze("""
            From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>
            To: support@example.org
            Subject: Returned mail: see transcript for details
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"

            --B
            Content-Type: text/plain

            ----- The following addresses had permanent fatal errors -----
            "|/usr/local/bin/deliver"
                (reason: 255)
                (expanded from: <taro@customer.example>)

               ----- Transcript of session follows -----
            554 5.3.0 unknown mailer error 255

            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.net

            Final-Recipient: RFC822; taro@customer.example
            Action: failed
            Status: 5.0.0
            Diagnostic-Code: X-Unix; 255

            --B--
            """);

        var recipient = Assert.Single(report.Recipients);
        Assert.Equal("taro@customer.example", recipient.Address);
        Assert.Equal("5.0.0", recipient.Status);
        Assert.Equal(BounceReasons.MailerError, recipient.Reason);
    }

    [Fact]
    public void Analyze_ReportForwardedWithEveryLineQuoted_ReadsTheQuotedStatusField()
    {
        var report = Analyze("""
            From: someone@example.org
            To: support@example.org
            Subject: Fwd: Returned mail: see transcript for details
            MIME-Version: 1.0
            Content-Type: text/plain

            Begin forwarded message:

            > From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.net>
            > Subject: Returned mail: see transcript for details
            >
            >    ----- The following addresses had permanent fatal errors -----
            > <taro@customer.example>
            >     (reason: 550 Mailbox over quota)
            >
            >    ----- Transcript of session follows -----
            > 554 5.0.0 Service unavailable
            > Reporting-MTA: dns; mx.example.net
            >
            > Final-Recipient: RFC822; taro@customer.example
            > Action: failed
            > Status: 5.2.2
            > Diagnostic-Code: SMTP; 550 Mailbox over quota
            >
            """);

        Assert.Equal(BounceClass.Bounce, report.Class);
        var recipient = Assert.Single(report.Recipients);
        Assert.Equal("5.2.2", recipient.Status);
        Assert.Equal(BounceReasons.MailboxFull, recipient.Reason);
    }

    /// <summary>The header look before the pipeline analyzes a message: Japanese words in encoded words and raw 8-bit or
    /// JIS headers count as well as English ones, and ordinary Japanese mail is turned away.</summary>
    [Theory]
    [InlineData("Subject: =?UTF-8?B?44GK6KuL5rGC5pu444Gr44Gk44GE44Gm?=\r\nFrom: =?UTF-8?B?5bGx55Sw?= <yamada@customer.example>", "utf-8", false)]
    [InlineData("Subject: =?ISO-2022-JP?B?GyRCO2o1XhsoQg==?=\r\nFrom: taro@customer.example", "utf-8", false)]
    [InlineData("Subject: =?UTF-8?B?6YWN5L+h5LiN6IO9?=\r\nFrom: relay@mx.example.net", "utf-8", true)]
    [InlineData("Subject: 配信不能のお知らせ\r\nFrom: relay@mx.example.net", "utf-8", true)]
    [InlineData("Subject: 配信不能のお知らせ\r\nFrom: relay@mx.example.net", "iso-2022-jp", true)]
    [InlineData("Subject: 配信不能のお知らせ\r\nFrom: relay@mx.example.net", "shift_jis", true)]
    [InlineData("Subject: =?UTF-8?B?44GK55+l44KJ44Gb?=\r\nFrom: =?UTF-8?B?TWFpbCBEZWxpdmVyeSBTdWJzeXN0ZW0=?= <relay@mx.example.net>", "utf-8", true)]
    [InlineData("Subject: Order 1234\r\nFrom: taro@customer.example", "utf-8", false)]
    [InlineData("Subject: Order 1234\r\nFrom: MAILER-DAEMON@mx.example.net", "utf-8", true)]
    public void MayBeReport_LooksAtDecodedHeaders(string header, string charset, bool expected)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var mail = Encoding.GetEncoding(charset).GetBytes(header + "\r\nTo: support@example.org\r\n\r\n本文です。配信不能ではありません。\r\n");

        Assert.Equal(expected, BounceAnalyzer.MayBeReport(mail));
    }
}
