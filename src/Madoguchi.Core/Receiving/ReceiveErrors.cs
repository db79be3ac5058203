namespace Madoguchi.Core.Receiving;

/// <summary>Stable error codes of receiving, stored on the server row and on per-message issues.</summary>
public static class ReceiveErrorCode
{
    public const string NameLookupFailed = "name_lookup_failed";
    public const string ConnectionRefused = "connection_refused";
    public const string TimedOut = "timed_out";
    public const string NetworkUnreachable = "network_unreachable";
    public const string ConnectionLost = "connection_lost";
    public const string CertificateUntrusted = "certificate_untrusted";
    public const string CertificateNameMismatch = "certificate_name_mismatch";
    public const string CertificateExpired = "certificate_expired";
    public const string TlsFailed = "tls_failed";
    public const string TlsRequired = "tls_required";
    public const string StartTlsUnsupported = "starttls_unsupported";
    public const string AuthenticationFailed = "authentication_failed";
    public const string FolderMissing = "folder_missing";
    public const string ServerBusy = "server_busy";
    public const string ProtocolError = "protocol_error";
    /// <summary>The service at the address and port answered, but not as an IMAP/POP3 server (SSH, HTTP, another protocol).</summary>
    public const string NotMailServer = "not_mail_server";
    public const string MessageTooLarge = "message_too_large";
    public const string MessageUnreadable = "message_unreadable";
    public const string MessageRefused = "message_refused";
    public const string MessageNotReturned = "message_not_returned";
    public const string MessageTimedOut = "message_timed_out";
    public const string MessageNotStored = "message_not_stored";
    /// <summary>The connection closed while the server was sending this message, in two failed passes in a row: set aside.</summary>
    public const string ConnectionDropped = "connection_dropped";
    public const string MailboxChanged = "mailbox_changed";
    /// <summary>A POP3 mailbox no longer holds what was fetched under its UIDLs (replaced or restored from elsewhere): positions start afresh.</summary>
    public const string MailboxReplaced = "mailbox_replaced";
    public const string StorageFailed = "storage_failed";
    public const string LeaseLost = "lease_lost";
    public const string Busy = "fetch_in_progress";
    public const string LoopbackNotAllowed = Network.OutboundErrorCode.LoopbackNotAllowed;
    public const string AddressNotAllowed = Network.OutboundErrorCode.AddressNotAllowed;
    public const string Unknown = "unknown";
}

/// <summary>Plain text for a code, in Japanese and English.</summary>
public sealed record ReceiveErrorText(string Code, string Ja, string En);

/// <summary>The one place where receive error codes become words for people.</summary>
public static class ReceiveErrors
{
    private static readonly Dictionary<string, (string Ja, string En)> Texts = new(StringComparer.Ordinal)
    {
        [ReceiveErrorCode.NameLookupFailed] = ("サーバ名が見つかりません。受信サーバのホスト名を確認してください。", "The server name could not be found. Check the host name of the receive server."),
        [ReceiveErrorCode.ConnectionRefused] = ("サーバに接続を拒否されました。ポート番号と、サーバが動いているかを確認してください。", "The server refused the connection. Check the port number and that the mail server is running."),
        [ReceiveErrorCode.TimedOut] = ("サーバから応答がありません（タイムアウト）。ホスト名・ポート・ファイアウォールを確認してください。", "The server did not answer in time. Check the host name, the port and any firewall in between."),
        [ReceiveErrorCode.NetworkUnreachable] = ("サーバまでのネットワークに到達できません。", "The network path to the server cannot be reached."),
        [ReceiveErrorCode.ConnectionLost] = ("受信中に接続が切れました。次回の受信で続きから取得します。", "The connection broke during the transfer. The next fetch continues where this one stopped."),
        [ReceiveErrorCode.CertificateUntrusted] = ("サーバ証明書が信頼できる認証局によって発行されていません。", "The server's certificate is not issued by a trusted authority."),
        [ReceiveErrorCode.CertificateNameMismatch] = ("サーバ証明書のホスト名が接続先と一致しません。", "The server's certificate is for a different host name."),
        [ReceiveErrorCode.CertificateExpired] = ("サーバ証明書の有効期限が切れているか、まだ有効ではありません。", "The server's certificate has expired or is not valid yet."),
        [ReceiveErrorCode.TlsFailed] = ("暗号化（SSL/TLS）の接続を確立できませんでした。暗号化方式とポートの組み合わせを確認してください。", "A secure (SSL/TLS) connection could not be set up. Check that the security setting matches the port."),
        [ReceiveErrorCode.TlsRequired] = ("サーバが暗号化（SSL/TLS）を要求しています。暗号化の設定を変更してください。", "The server requires a secure (SSL/TLS) connection. Change the security setting."),
        [ReceiveErrorCode.StartTlsUnsupported] = ("サーバが STARTTLS に対応していません。暗号化の設定を確認してください。", "The server does not offer STARTTLS. Check the security setting."),
        [ReceiveErrorCode.AuthenticationFailed] = ("ログインできませんでした。ユーザ名とパスワードを確認してください。", "Sign-in to the mail server failed. Check the user name and password."),
        [ReceiveErrorCode.FolderMissing] = ("指定したフォルダがサーバにありません。", "A folder set for fetching does not exist on the server."),
        [ReceiveErrorCode.ServerBusy] = ("サーバが一時的に利用できません。しばらくしてから自動で再試行します。", "The server is busy or unavailable for now. Fetching is retried automatically."),
        [ReceiveErrorCode.ProtocolError] = ("サーバから想定外の応答がありました。", "The server gave an answer that could not be understood."),
        [ReceiveErrorCode.NotMailServer] = ("接続先は IMAP/POP3 サーバではありません。ホスト名・ポート番号・プロトコルの組み合わせを確認してください。", "The service at this address and port is not an IMAP/POP3 server. Check the host name, the port and the protocol."),
        [ReceiveErrorCode.MessageTooLarge] = ("上限を超える大きさのメールです。原本は保存しましたが、表示や処理が制限されることがあります。", "The message is larger than the limit. Its original was stored, but it may not be shown or processed in full."),
        [ReceiveErrorCode.MessageUnreadable] = ("このメールをサーバから取得できませんでした。他のメールの受信は続けています。", "This message could not be read from the server. Other messages are still being fetched."),
        [ReceiveErrorCode.MessageRefused] = ("サーバがこのメールの取得を拒否しました。時間をおいて自動で再取得します（サーバの応答を確認してください）。", "The server refused to hand over this message. Madoguchi asks again later by itself (see the server's words)."),
        [ReceiveErrorCode.MessageNotReturned] = ("サーバの応答にこのメールが含まれていませんでした。時間をおいて自動で再取得します。", "The server left this message out of its answer. Madoguchi asks again later by itself."),
        [ReceiveErrorCode.MessageTimedOut] = ("このメールの取得中にサーバが応答しなくなりました（2 回続けて）。他のメールの受信を先に進め、このメールは時間をおいて自動で再取得します。", "The server stopped answering while sending this message, twice in a row. The other messages are fetched meanwhile; Madoguchi asks for this one again later by itself."),
        [ReceiveErrorCode.MessageNotStored] = ("このメールを保存できませんでした（ディスクへの書き込みに失敗）。他のメールの受信は続けており、このメールは時間をおいて自動で再取得します。", "This message could not be saved (writing it to disk failed). The other messages are still fetched; Madoguchi fetches this one again later by itself."),
        [ReceiveErrorCode.ConnectionDropped] = ("このメールの取得中にサーバが接続を切りました（2 回続けて）。他のメールの受信を先に進め、このメールは時間をおいて自動で再取得します。", "The server closed the connection while sending this message, twice in a row. The other messages are fetched meanwhile; Madoguchi asks for this one again later by itself."),
        [ReceiveErrorCode.MailboxReplaced] = ("受信サーバのメールボックスが、以前に受信したものとは別の内容に置き換わっていました。新しいメールボックスとして最初から受信し直し、以前のメールボックスの分は削除しません。", "The mailbox on the server now holds other mail than what was fetched from it before (it was replaced or restored). It is fetched afresh as a new mailbox, and nothing is deleted on the strength of the old one."),
        [ReceiveErrorCode.MailboxChanged] = ("受信中に受信設定が別のメールボックスに変更されました。新しい設定で受信し直します。", "The receive settings were changed to another mailbox during the fetch. The next fetch uses the new settings."),
        [ReceiveErrorCode.StorageFailed] = ("受信したメールを保存できませんでした（ディスクまたはデータベース）。", "Received mail could not be saved (disk or database)."),
        [ReceiveErrorCode.LeaseLost] = ("別のサーバインスタンスが受信を引き継ぎました。", "Another app instance took over fetching this server."),
        [ReceiveErrorCode.Busy] = ("このサーバは別の処理で受信中です。", "This server is being fetched by another process right now."),
        [ReceiveErrorCode.LoopbackNotAllowed] = ("接続先がこのサーバ自身（ループバックアドレス）のため、接続しませんでした。同じホストのメールサーバを使うには、設定 Madoguchi:Network:AllowLoopback を true にしてください。",
            "The server name points to this host itself (a loopback address), so no connection was made. To use a mail server on the same host, set Madoguchi:Network:AllowLoopback to true."),
        [ReceiveErrorCode.AddressNotAllowed] = ("接続先がプライベート・リンクローカルなどの内部アドレスのため、接続しませんでした。社内ネットワークのメールサーバを使うには、設定 Madoguchi:Network:AllowedNetworks にその範囲（CIDR）を加えてください。",
            "The server name points to a private, link-local or other internal address, so no connection was made. To use a mail server on an internal network, add its range (CIDR) to the setting Madoguchi:Network:AllowedNetworks."),
        [ReceiveErrorCode.Unknown] = ("受信中に予期しないエラーが発生しました。", "An unexpected error happened while fetching."),
    };

    public static ReceiveErrorText Describe(string code) =>
        Texts.TryGetValue(code, out var t) ? new ReceiveErrorText(code, t.Ja, t.En) : new ReceiveErrorText(code, Texts[ReceiveErrorCode.Unknown].Ja, Texts[ReceiveErrorCode.Unknown].En);

    public static IReadOnlyCollection<string> KnownCodes => Texts.Keys;
}
