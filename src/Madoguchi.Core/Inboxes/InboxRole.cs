namespace Madoguchi.Core.Inboxes;

/// <summary>受信箱権限, per user and inbox, ordered so that a higher value includes every lower one.</summary>
public enum InboxRole
{
    /// <summary>権限なし: the inbox is invisible to the user.</summary>
    None = 0,

    /// <summary>アシスタント: works tickets but cannot send outside without approval.</summary>
    Assistant = 1,

    /// <summary>オペレータ: a normal agent.</summary>
    Operator = 2,

    /// <summary>マネージャー: rules, labels, approvals.</summary>
    Manager = 3,

    /// <summary>管理者: everything on the inbox, including its receive and send settings.</summary>
    Administrator = 4,
}
