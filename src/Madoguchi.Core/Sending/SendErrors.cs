using System.Net.Sockets;
using System.Text.RegularExpressions;
using Madoguchi.Core.Receiving;
using Madoguchi.Core.Receiving.Fetching;
using SystemAuthenticationException = System.Security.Authentication.AuthenticationException;

namespace Madoguchi.Core.Sending;

/// <summary>Stable codes of send errors (送信エラー).</summary>
public static class SendErrorCode
{
    public const string AuthenticationFailed = "authentication_failed";
    public const string RelayDenied = "relay_denied";
    public const string SenderRejected = "sender_rejected";
    public const string RecipientRejected = "recipient_rejected";
    public const string TooManyRecipients = "too_many_recipients";
    public const string MessageTooLarge = "message_too_large";
    public const string TlsRequired = "tls_required";
    public const string TlsFailed = "tls_failed";
    public const string CertificateUntrusted = ReceiveErrorCode.CertificateUntrusted;
    public const string CertificateNameMismatch = ReceiveErrorCode.CertificateNameMismatch;
    public const string CertificateExpired = ReceiveErrorCode.CertificateExpired;
    public const string StartTlsUnsupported = "starttls_unsupported";
    public const string ConnectionRefused = "connection_refused";
    public const string TimedOut = "timed_out";
    public const string NameLookupFailed = "name_lookup_failed";
    public const string ConnectionLost = "connection_lost";
    public const string AddressNotAllowed = "address_not_allowed";
    public const string TemporaryFailure = "temporary_failure";
    public const string Rejected = "rejected";
    public const string SendAddressMissing = "send_address_missing";
    public const string OriginalMissing = "original_missing";
    public const string Unknown = "unknown";
}

/// <summary>A classified send failure: code, the server's reply verbatim (null when there was none), and whether a later
/// attempt may succeed.</summary>
public sealed record SendFailure(string Code, string? ServerReply, bool Temporary);

/// <summary>An error as people see it: what happened and what to do, in Japanese and English, beside the server's own words.</summary>
public sealed record SendErrorView(string Code, string? ServerReply, string Ja, string En);

/// <summary>The one place where send error codes become words for people.</summary>
public static class SendErrors
{
    private static readonly Dictionary<string, (string Ja, string En)> Texts = new(StringComparer.Ordinal)
    {
        [SendErrorCode.AuthenticationFailed] = ("SMTPサーバがログインを拒否しました（認証エラー）。送信設定のユーザ名・パスワード・認証方式を確認し、メールサーバの管理者に送信（SMTP認証）が許可されているか確認してください。",
            "The SMTP server refused the sign-in (authentication failed). Check the user name, password and authentication method in the send settings, and ask your mail provider whether sending (SMTP AUTH) is allowed for this account."),
        [SendErrorCode.RelayDenied] = ("SMTPサーバがこの宛先への中継を拒否しました（リレー拒否）。多くの場合SMTP認証が必要です。送信設定で認証を有効にし、ユーザ名とパスワードを確認してください。",
            "The SMTP server refused to relay to this recipient (relay denied). It usually requires authentication: turn on authentication in the send settings and check the user name and password."),
        [SendErrorCode.SenderRejected] = ("SMTPサーバが差出人アドレスを拒否しました。このサーバ・アカウントから送信できるアドレスか、送信設定の差出人アドレスを確認してください。",
            "The SMTP server refused the sender address. Check that this account may send as this From address, and the address in the send settings."),
        [SendErrorCode.RecipientRejected] = ("宛先のアドレスが拒否されました（存在しない宛先など）。宛先のメールアドレスに誤りがないか確認してください。",
            "The recipient address was refused (for example, it does not exist). Check the recipient's address for typos."),
        [SendErrorCode.TooManyRecipients] = ("宛先が多すぎるためSMTPサーバが拒否しました。宛先（To・Cc・Bcc）を減らすか、分けて送信してください。",
            "The SMTP server refused because there are too many recipients. Reduce the recipients (To, Cc, Bcc) or send in several messages."),
        [SendErrorCode.MessageTooLarge] = ("メールが大きすぎるためSMTPサーバが拒否しました。添付ファイルを小さくするか減らしてください。",
            "The SMTP server refused the message because it is too large. Make the attachments smaller or send fewer of them."),
        [SendErrorCode.TlsRequired] = ("SMTPサーバが暗号化（TLS）を求めています。送信設定の暗号化を「STARTTLS」または「SSL/TLS」にしてください。",
            "The SMTP server requires encryption (TLS). Set security in the send settings to STARTTLS or SSL/TLS."),
        [SendErrorCode.TlsFailed] = ("SMTPサーバとの暗号化（TLS）を確立できませんでした。ポート番号と暗号化の組み合わせ（587=STARTTLS、465=SSL/TLS）を確認してください。",
            "Encryption (TLS) with the SMTP server could not be set up. Check that port and security match (587 = STARTTLS, 465 = SSL/TLS)."),
        [SendErrorCode.CertificateUntrusted] = ("SMTPサーバの証明書が信頼できません。ホスト名が正しいか確認し、自己署名証明書のサーバであればメールサーバの管理者に確認してください。",
            "The SMTP server's certificate is not trusted. Check the host name; if the server uses a self-signed certificate, ask its administrator."),
        [SendErrorCode.CertificateNameMismatch] = ("SMTPサーバの証明書が、設定したホスト名のものではありません。証明書に書かれたホスト名を送信設定に入れてください。",
            "The SMTP server's certificate is not for the host name in the settings. Enter the host name the certificate is issued for."),
        [SendErrorCode.CertificateExpired] = ("SMTPサーバの証明書の有効期限が切れています。メールサーバの管理者に連絡してください。",
            "The SMTP server's certificate has expired. Contact the mail server's administrator."),
        [SendErrorCode.StartTlsUnsupported] = ("SMTPサーバがSTARTTLSに対応していません。暗号化を「SSL/TLS」（通常ポート465）にするか、ポート番号を確認してください。",
            "The SMTP server does not offer STARTTLS. Use SSL/TLS (usually port 465) or check the port."),
        [SendErrorCode.ConnectionRefused] = ("SMTPサーバに接続できませんでした（接続拒否）。ホスト名とポート番号を確認してください。しばらく自動で再試行します。",
            "Could not connect to the SMTP server (connection refused). Check the host name and port. Madoguchi retries automatically for a while."),
        [SendErrorCode.TimedOut] = ("SMTPサーバから時間内に応答がありませんでした（タイムアウト）。ホスト名・ポート番号を確認してください。しばらく自動で再試行します。",
            "The SMTP server did not answer in time (timeout). Check the host name and port. Madoguchi retries automatically for a while."),
        [SendErrorCode.NameLookupFailed] = ("SMTPサーバのホスト名が見つかりません。送信設定のホスト名に誤りがないか確認してください。",
            "The SMTP server's host name could not be found. Check the host name in the send settings for typos."),
        [SendErrorCode.ConnectionLost] = ("送信中にSMTPサーバとの接続が切れました。自動で再試行します（同じMessage-IDで送るため、届いていた場合は受信側で重複を除けます）。",
            "The connection to the SMTP server was lost while sending. Madoguchi retries automatically (with the same Message-ID, so a copy that did arrive can be recognised)."),
        [SendErrorCode.AddressNotAllowed] = ("このSMTPサーバのアドレスには、このインストールの設定により接続できません。運営者に確認してください。",
            "This installation is not allowed to connect to the SMTP server's address. Ask the operator."),
        [SendErrorCode.TemporaryFailure] = ("SMTPサーバが一時的なエラーを返しました。自動で再試行します。",
            "The SMTP server answered with a temporary error. Madoguchi retries automatically."),
        [SendErrorCode.Rejected] = ("SMTPサーバがメールを拒否しました。サーバの応答を確認し、必要ならメールサーバの管理者に問い合わせてください。",
            "The SMTP server refused the message. Read the server's reply and, if needed, ask the mail server's administrator."),
        [SendErrorCode.SendAddressMissing] = ("送信に使う差出人アドレスの送信設定が削除されています。送信設定を追加してから再送信してください。",
            "The send settings of the From address were removed. Add send settings, then resend."),
        [SendErrorCode.OriginalMissing] = ("送信するメールのデータが見つかりません。返信を作り直してください。",
            "The stored copy of this message is missing. Write the reply again."),
        [SendErrorCode.Unknown] = ("予期しないエラーで送信できませんでした。しばらくしてから再送信してください。",
            "The message could not be sent because of an unexpected error. Resend it later."),
    };

    public static SendErrorView Describe(string code, string? serverReply)
    {
        var (ja, en) = Texts.TryGetValue(code, out var text) ? text : Texts[SendErrorCode.Unknown];
        return new SendErrorView(code, serverReply, ja, en);
    }

    public static IReadOnlyCollection<string> Codes => Texts.Keys;
}

/// <summary>Turns exceptions of sockets, TLS and the SMTP client (<see cref="Smtp.SmtpWireClient"/>) into send error codes. The server's reply to an SMTP
/// command is kept verbatim (cleaned of control characters); nothing else of an exception reaches people. Pure.</summary>
public static partial class SendFailureClassifier
{
    public static SendFailure Classify(Exception exception, CertificateObservation? certificate = null)
    {
        switch (exception)
        {
            case Network.OutboundAddressRefusedException:
                return new SendFailure(SendErrorCode.AddressNotAllowed, null, false);
            case Smtp.SmtpReplyException { Stage: Smtp.SmtpStage.Auth } refused:
                {
                    var reply = ServerText.Clean(refused.Reply.Verbatim);
                    return refused.Reply.Code is >= 400 and < 500
                        ? new SendFailure(SendErrorCode.TemporaryFailure, reply, true)
                        : IsTlsRequired(reply) ? new SendFailure(SendErrorCode.TlsRequired, reply, false) : new SendFailure(SendErrorCode.AuthenticationFailed, reply, false);
                }
            case Smtp.SmtpReplyException { Reply.Code: 530 } refused:
                {
                    // 530 answers a command that needs more first: "5.7.0 Must issue a STARTTLS command first", "5.7.0 Authentication required".
                    var reply = ServerText.Clean(refused.Reply.Verbatim);
                    return new SendFailure(IsTlsRequired(reply) ? SendErrorCode.TlsRequired : SendErrorCode.RelayDenied, reply, false);
                }
            case Smtp.SmtpReplyException refused:
                return FromReply(refused.Reply.Code, refused.Reply.Text, refused.Stage);
            case SystemAuthenticationException:
                return new SendFailure(certificate?.ProblemCode() ?? SendErrorCode.TlsFailed, null, false);
            case NotSupportedException ns when ns.Message.Contains("STARTTLS", StringComparison.OrdinalIgnoreCase):
                return new SendFailure(SendErrorCode.StartTlsUnsupported, null, false);
            case SocketException socket:
                return socket.SocketErrorCode switch
                {
                    SocketError.HostNotFound or SocketError.NoData or SocketError.NoRecovery => new SendFailure(SendErrorCode.NameLookupFailed, null, false),
                    SocketError.TryAgain => new SendFailure(SendErrorCode.NameLookupFailed, null, true),
                    SocketError.ConnectionRefused => new SendFailure(SendErrorCode.ConnectionRefused, null, true),
                    SocketError.TimedOut => new SendFailure(SendErrorCode.TimedOut, null, true),
                    _ => new SendFailure(SendErrorCode.ConnectionLost, null, true),
                };
            case TimeoutException or OperationCanceledException:
                return new SendFailure(SendErrorCode.TimedOut, null, true);
            case IOException:
                return exception.InnerException is SocketException inner ? Classify(inner, certificate) : new SendFailure(SendErrorCode.ConnectionLost, null, true);
            default:
                return exception.InnerException is { } innerException ? Classify(innerException, certificate) : new SendFailure(SendErrorCode.Unknown, null, true);
        }
    }

    /// <summary>An SMTP reply: the basic code decides temporary (4xx) or permanent (5xx); the enhanced status code
    /// (RFC 3463) and the command it answered decide which explanation fits.</summary>
    public static SendFailure FromReply(int status, string text, Smtp.SmtpStage command)
    {
        var cleaned = ServerText.Clean(text);
        var reply = cleaned.StartsWith(status.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            ? cleaned
            : $"{status} {cleaned}";
        var enhanced = EnhancedStatus().Match(cleaned) is { Success: true } m ? m.Value : "";
        var temporary = status is >= 400 and < 500;
        string code;
        if (enhanced is "4.5.3" or "5.5.3" || cleaned.Contains("too many recipients", StringComparison.OrdinalIgnoreCase))
            // Sending the same recipients again cannot succeed: not retried.
            return new SendFailure(SendErrorCode.TooManyRecipients, reply, false);
        if (status == 552 || enhanced is "5.3.4" or "5.2.3" || cleaned.Contains("size", StringComparison.OrdinalIgnoreCase) && status >= 500)
            code = SendErrorCode.MessageTooLarge;
        else if (status == 530 || enhanced == "5.7.0" && IsTlsRequired(cleaned) || IsTlsRequired(cleaned))
            code = SendErrorCode.TlsRequired;
        else if (status == 535 || enhanced is "5.7.8" or "4.7.8")
            code = SendErrorCode.AuthenticationFailed;
        else if (cleaned.Contains("Sender address rejected", StringComparison.OrdinalIgnoreCase))
            // Postfix checks the sender when the first RCPT TO arrives (smtpd_delay_reject) and says which one it refused.
            code = SendErrorCode.SenderRejected;
        else if (cleaned.Contains("Recipient address rejected", StringComparison.OrdinalIgnoreCase) && !cleaned.Contains("relay", StringComparison.OrdinalIgnoreCase))
            code = SendErrorCode.RecipientRejected;
        else if (cleaned.Contains("relay", StringComparison.OrdinalIgnoreCase) || command == Smtp.SmtpStage.RcptTo && enhanced is "5.7.1")
            code = SendErrorCode.RelayDenied;
        else if (command == Smtp.SmtpStage.MailFrom)
            code = SendErrorCode.SenderRejected;
        else if (command == Smtp.SmtpStage.RcptTo)
            code = SendErrorCode.RecipientRejected;
        else
            code = temporary ? SendErrorCode.TemporaryFailure : SendErrorCode.Rejected;
        return new SendFailure(temporary ? (code is SendErrorCode.RecipientRejected or SendErrorCode.SenderRejected or SendErrorCode.Rejected ? SendErrorCode.TemporaryFailure : code) : code, reply, temporary);
    }

    private static bool IsTlsRequired(string text) =>
        text.Contains("STARTTLS", StringComparison.OrdinalIgnoreCase) && (text.Contains("must", StringComparison.OrdinalIgnoreCase) || text.Contains("first", StringComparison.OrdinalIgnoreCase) || text.Contains("required", StringComparison.OrdinalIgnoreCase))
        || text.Contains("encryption required", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\b[245]\.\d{1,3}\.\d{1,3}\b")]
    private static partial Regex EnhancedStatus();
}
