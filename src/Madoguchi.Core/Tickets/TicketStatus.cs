namespace Madoguchi.Core.Tickets;

/// <summary>Where a ticket stands in the team's work. Every received message puts its ticket back in <see cref="Open"/>.</summary>
public enum TicketStatus
{
    /// <summary>未対応: waiting for the team.</summary>
    Open = 0,

    /// <summary>保留: parked (reasons come later).</summary>
    Pending = 1,

    /// <summary>対応完了: answered and done.</summary>
    Closed = 2,

    /// <summary>対応不要: nothing to do.</summary>
    NoAction = 3,
}

/// <summary>Which folder a ticket is in, independent of its status: the inbox itself, ゴミ箱 or 迷惑メール.</summary>
public enum TicketPlace
{
    Inbox = 0,

    /// <summary>ゴミ箱: left out of lists and search by default.</summary>
    Trash = 1,

    /// <summary>迷惑メール: server-flagged spam, left out of lists and search by default.</summary>
    Spam = 2,
}

public enum MessageDirection
{
    Received = 0,
    Sent = 1,
}
