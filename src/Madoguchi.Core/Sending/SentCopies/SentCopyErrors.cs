using Madoguchi.Core.Receiving;

namespace Madoguchi.Core.Sending.SentCopies;

/// <summary>How a copy to the Sent folder is shown: its state, where it went, and when it failed, why (Japanese and
/// English, plus the detail, which may quote the IMAP server's answer).</summary>
public sealed record SentCopyView(string State, string? Folder, string? Code, string? Detail, string? Ja, string? En, DateTime? At)
{
    public static SentCopyView From(SentFolderCopy c)
    {
        (string Ja, string En)? text = c.ErrorCode is null ? null : SentCopyErrors.Describe(c.ErrorCode);
        var state = c.State switch
        {
            SentCopyState.Done => "saved",
            SentCopyState.Failed => "failed",
            _ => c.ErrorCode is null ? "pending" : "retrying",
        };
        return new SentCopyView(state, c.Folder, c.ErrorCode, c.State == SentCopyState.Done ? null : c.ErrorDetail, text?.Ja, text?.En,
            c.State == SentCopyState.Done ? c.DoneAt : c.LastAttemptAt);
    }
}

/// <summary>Codes of copies to the Sent folder: its own, and the receive error codes of the IMAP sign-in (shared with 受信設定).</summary>
public static class SentCopyErrors
{
    public const string NoImapServer = "no_imap_server";
    public const string FolderMissing = "sent_folder_missing";
    public const string SendAddressMissing = "send_address_missing";
    public const string OriginalMissing = "original_missing";
    public const string TurnedOff = "sent_copy_turned_off";

    private static readonly Dictionary<string, (string Ja, string En)> Texts = new(StringComparer.Ordinal)
    {
        [NoImapServer] = ("この受信箱にはIMAPの受信設定がないため、送信済みフォルダに保存できません。受信設定でIMAPサーバを追加してください。",
            "This inbox has no IMAP receive server, so the copy cannot be saved in the Sent folder. Add an IMAP server in the receive settings."),
        [FolderMissing] = ("メールサーバに送信済みフォルダが見つかりません。送信設定で送信済みフォルダ名を指定するか、サーバにフォルダを作成してください。",
            "No Sent folder was found on the mail server. Enter the Sent folder's name in the send settings, or create the folder on the server."),
        [ReceiveErrorCode.AuthenticationFailed] = ("送信済みフォルダに保存するためのIMAPログインに失敗しました。受信設定（IMAP）のユーザ名とパスワードを確認してください。",
            "Signing in over IMAP to save the copy in the Sent folder failed. Check the user name and password of the IMAP receive settings."),
        [SendAddressMissing] = ("差出人アドレスの送信設定が削除されたため、送信済みフォルダに保存できません。",
            "The send settings of the From address were removed, so the copy cannot be saved in the Sent folder."),
        [OriginalMissing] = ("送信したメールのデータが見つからないため、送信済みフォルダに保存できません。",
            "The stored copy of the sent message is missing, so it cannot be saved in the Sent folder."),
        [TurnedOff] = ("送信済みフォルダへの保存が送信設定で無効にされたため、保存しませんでした。",
            "Saving copies in the Sent folder was turned off in the send settings, so this copy was not saved."),
    };

    public static (string Ja, string En) Describe(string code)
    {
        if (Texts.TryGetValue(code, out var text))
            return text;
        var receive = ReceiveErrors.Describe(code);
        return ("送信済みフォルダに保存できませんでした（自動で再試行します）: " + receive.Ja, "The copy could not be saved in the Sent folder (retried automatically): " + receive.En);
    }
}
