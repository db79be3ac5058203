namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>What the parsing step could read from one message's raw bytes. Always produced, even for
/// broken input; <see cref="ReadProblem"/> then says in plain English what could not be read.</summary>
public sealed record ParsedMessage
{
    /// <summary>Without angle brackets. Synthesized from the raw bytes when the header is missing.</summary>
    public required string MessageId { get; init; }

    /// <summary>True when <see cref="MessageId"/> was made up by us (stable: same bytes, same id).</summary>
    public bool MessageIdSynthesized { get; init; }

    public string? InReplyTo { get; init; }

    public IReadOnlyList<string> References { get; init; } = [];

    public string Subject { get; init; } = string.Empty;

    public IReadOnlyList<ParsedAddress> From { get; init; } = [];

    public IReadOnlyList<ParsedAddress> To { get; init; } = [];

    public IReadOnlyList<ParsedAddress> Cc { get; init; } = [];

    public IReadOnlyList<ParsedAddress> ReplyTo { get; init; } = [];

    /// <summary>UTC; null when the Date header is missing or unreadable.</summary>
    public DateTime? Date { get; init; }

    /// <summary>The plain-text body, decoded; null when the message has none.</summary>
    public string? Text { get; init; }

    /// <summary>The HTML body, decoded but NOT sanitized: pass it through <see cref="HtmlBodySanitizer"/> before display.</summary>
    public string? Html { get; init; }

    public IReadOnlyList<ParsedAttachment> Attachments { get; init; } = [];

    public AutoReplyInfo AutoReply { get; init; } = AutoReplyInfo.None;

    public bool SpamFlagged { get; init; }

    /// <summary>Null when the message was read completely.</summary>
    public string? ReadProblem { get; init; }
}

/// <summary>One mailbox of an address header; <see cref="Name"/> is empty when none was given.</summary>
public sealed record ParsedAddress(string Name, string Address);

/// <summary>One attachment (or inline part). <see cref="Content"/> holds the decoded bytes.</summary>
public sealed record ParsedAttachment(string FileName, string ContentType, string? ContentId, bool IsInline, byte[] Content)
{
    public long Size => Content.LongLength;
}

/// <summary>Which headers marked the message as sent by a machine (out-of-office, list, autoresponder).</summary>
[Flags]
public enum AutoReplySignals
{
    None = 0,
    AutoSubmitted = 1,
    AutoResponseSuppress = 2,
    PrecedenceBulk = 4,
    PrecedenceJunk = 8,
    PrecedenceList = 16,
    PrecedenceAutoReply = 32,
    XAutoreply = 64,
    XAutorespond = 128,
}

/// <summary>The automatic-mail headers found; <see cref="AutoSubmitted"/> keeps the header's value (e.g. "auto-replied").</summary>
public sealed record AutoReplyInfo(AutoReplySignals Signals, string? AutoSubmitted)
{
    public static AutoReplyInfo None { get; } = new(AutoReplySignals.None, null);

    public bool IsAutomatic => Signals != AutoReplySignals.None;
}
