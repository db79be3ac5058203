using MimeKit;

namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>Reads the headers that mark machine-sent mail (RFC 3834 and the de-facto ones) and spam verdicts
/// left by upstream filters. Only reads; deciding what to do is a later pipeline step.</summary>
internal static class AutoReplyHeaders
{
    public static AutoReplyInfo Read(HeaderList headers)
    {
        var signals = AutoReplySignals.None;
        var autoSubmitted = Value(headers, "Auto-Submitted");
        if (autoSubmitted is { Length: > 0 } && !autoSubmitted.Equals("no", StringComparison.OrdinalIgnoreCase))
            signals |= AutoReplySignals.AutoSubmitted;
        else
            autoSubmitted = null;

        if (Value(headers, "X-Auto-Response-Suppress") is { Length: > 0 } suppress && !suppress.Equals("None", StringComparison.OrdinalIgnoreCase))
            signals |= AutoReplySignals.AutoResponseSuppress;

        signals |= Value(headers, "Precedence")?.ToLowerInvariant() switch
        {
            "bulk" => AutoReplySignals.PrecedenceBulk,
            "junk" => AutoReplySignals.PrecedenceJunk,
            "list" => AutoReplySignals.PrecedenceList,
            "auto_reply" => AutoReplySignals.PrecedenceAutoReply,
            _ => AutoReplySignals.None,
        };

        if (headers.Contains("X-Autoreply"))
            signals |= AutoReplySignals.XAutoreply;
        if (headers.Contains("X-Autorespond"))
            signals |= AutoReplySignals.XAutorespond;

        return signals == AutoReplySignals.None ? AutoReplyInfo.None : new AutoReplyInfo(signals, autoSubmitted);
    }

    public static bool IsSpamFlagged(HeaderList headers) =>
        Value(headers, "X-Spam-Flag")?.Equals("YES", StringComparison.OrdinalIgnoreCase) == true
        || Value(headers, "X-Spam-Status")?.StartsWith("yes", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The first value, without parameters such as "auto-replied; owner-email=…".</summary>
    private static string? Value(HeaderList headers, string field)
    {
        var value = headers[field];
        if (value is null)
            return null;

        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        return (semicolon >= 0 ? value[..semicolon] : value).Trim();
    }
}
