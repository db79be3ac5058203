using MimeKit;

namespace Madoguchi.Core.Bounces.Analysis;

/// <summary>The few reporting servers whose reports the reference labels (Sisimai's, which the corpus truth and the
/// bounce vocabulary follow) are read in a way of their own, known by the marks those servers put in the report's own
/// header block (never the returned original's). Everything else is read by the general rules.</summary>
internal enum ReportingServer
{
    Other,

    /// <summary>OpenSMTPD: its RFC 3464 part carries only generic codes (4.0.0, 5.0.0, 4.4.7 for any expiry); the
    /// reference reads the human-readable part alone, so the status is the code of the reason its words give.</summary>
    OpenSmtpd,

    /// <summary>Trend Micro InterScan MSS: "Unable to deliver message to &lt;address&gt;" with no reply behind it means
    /// the recipient was refused.</summary>
    InterScanMss,

    /// <summary>Servers that have no words of their own for a missing mailbox and do not say at which SMTP stage a
    /// recipient was refused (Apache James, ActiveHunter, Zoho, the "X1"/"X2" formats), or say it only as "after RCPT TO"
    /// (Exim-style reports): "user unknown" without a status code is, to the reference, a filter's refusal (5.0.910
    /// filtered), not a mailbox that does not exist; only a named RCPT stage or the words "user not found" make it
    /// one.</summary>
    StageUnnamed,
}

internal static class ReportingServers
{
    public static ReportingServer Of(HeaderList headers, string text)
    {
        var from = headers[HeaderId.From] ?? "";
        var subject = (headers[HeaderId.Subject] ?? "").Trim();
        if (from.Contains("Mailer Daemon <", StringComparison.Ordinal) && AnyReceived(headers, " (OpenSMTPD) with "))
            return ReportingServer.OpenSmtpd;
        if (from.TrimStart().StartsWith("\"InterScan ", StringComparison.Ordinal)
            || subject is "Mail could not be delivered" or "メッセージを配信できません。" or "メール配信に失敗しました")
            return ReportingServer.InterScanMss;
        return StageUnnamed(headers, from, subject, text) ? ReportingServer.StageUnnamed : ReportingServer.Other;
    }

    private static bool StageUnnamed(HeaderList headers, string from, string subject, string text)
    {
        if (headers.Contains("X-AHMailID") || headers.Contains("X-ZohoMail"))
            return true;
        // Apache James: its bounce subject, or JavaMail's Message-ID, or its own Received line.
        if (subject == "[BOUNCE]" || (headers[HeaderId.MessageId] ?? "").Contains(".JavaMail.", StringComparison.Ordinal)
            || AnyReceived(headers, "JAMES SMTP Server"))
            return true;
        if (subject.StartsWith("Returned Mail: ", StringComparison.Ordinal) && from.TrimStart().StartsWith("\"Mail Deliver System\"", StringComparison.Ordinal))
            return true;
        if (from.Contains("MAILER-DAEMON@", StringComparison.Ordinal)
            && (subject.StartsWith("Delivery failure", StringComparison.Ordinal) || subject.StartsWith("failure delivery", StringComparison.Ordinal)
                || subject.StartsWith("failed delivery", StringComparison.Ordinal))
            && text.Contains("Unable to deliver message to the following address", StringComparison.Ordinal))
            return true;
        // Exim's report (and MXLogic's, built on it) names the stage as "after RCPT TO" when it knows it.
        return text.TrimStart().StartsWith("This message was created automatically by mail delivery software.", StringComparison.Ordinal);
    }

    private static bool AnyReceived(HeaderList headers, string mark)
    {
        foreach (var header in headers)
        {
            if (header.Id == HeaderId.Received && header.Value.Contains(mark, StringComparison.Ordinal))
                return true;
        }
        return false;
    }
}
