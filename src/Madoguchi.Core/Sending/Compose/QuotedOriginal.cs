using System.Globalization;
using System.Net;
using System.Text;
using Madoguchi.Core.Search;
using Madoguchi.Core.Tickets;

namespace Madoguchi.Core.Sending.Compose;

/// <summary>The original message under a reply ("&gt; " quoting after an "On … wrote:" line) or a forward (its header
/// block, then its text). Japanese when the original is written in Japanese (kana or kanji in its subject, sender name or
/// text: 「… さんは書きました:」, 「転送メッセージ」), English otherwise. Dates in the writer's time zone.
/// <para>The original's text is its text part, or for an HTML-only mail the HTML's plain-text rendering (the one search uses,
/// <see cref="SearchIndexWriter.Body"/>). A reply or forward written with HTML carries the same quote in its HTML too
/// (<see cref="ReplyHtml"/>, <see cref="ForwardHtml"/>): the original as escaped text in a &lt;blockquote&gt;, never the
/// received HTML itself, so nothing of a customer's markup (scripts, remote images) travels on in our mail.</para></summary>
public static class QuotedOriginal
{
    public static string Reply(string? text, TicketMessage original, TimeZoneInfo zone)
    {
        var quoted = new StringBuilder();
        foreach (var l in Lines(Body(original)))
            quoted.Append(l.StartsWith('>') ? ">" : "> ").Append(l).Append('\n');
        return Join(text, WroteLine(original, zone) + "\n" + quoted.ToString().TrimEnd('\n'));
    }

    /// <summary>The HTML of a reply with the quote under it: the "wrote" line, then the original in a &lt;blockquote
    /// type="cite"&gt;, inside the body when the HTML has one.</summary>
    public static string ReplyHtml(string html, TicketMessage original, TimeZoneInfo zone) =>
        JoinHtml(html, $"<div>{Escape(WroteLine(original, zone))}</div>\n"
            + $"<blockquote type=\"cite\" style=\"margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex\">{EscapeLines(Body(original))}</blockquote>");

    /// <summary>The HTML of a forward with the original's header block and text under it.</summary>
    public static string ForwardHtml(string html, TicketMessage original, TimeZoneInfo zone) =>
        JoinHtml(html, $"<div>{EscapeLines(Forward(null, original, zone))}</div>");

    public static string Forward(string? text, TicketMessage original, TimeZoneInfo zone)
    {
        var japanese = IsJapanese(original);
        var date = Local(original.Date, zone).ToString("yyyy/MM/dd HH:mm", CultureInfo.InvariantCulture);
        var to = string.Join(", ", AddressView.FromJson(original.ToJson).Select(Full));
        var cc = string.Join(", ", AddressView.FromJson(original.CcJson).Select(Full));
        var block = new StringBuilder();
        block.Append(japanese ? "---------- 転送メッセージ ----------" : "---------- Forwarded message ----------").Append('\n');
        block.Append(japanese ? "差出人: " : "From: ").Append(Full(AddressView.FromJson(original.FromJson).FirstOrDefault())).Append('\n');
        block.Append(japanese ? "日時: " : "Date: ").Append(date).Append('\n');
        block.Append(japanese ? "件名: " : "Subject: ").Append(original.Subject).Append('\n');
        block.Append(japanese ? "宛先: " : "To: ").Append(to).Append('\n');
        if (cc.Length > 0)
            block.Append("Cc: ").Append(cc).Append('\n');
        block.Append('\n').Append(string.Join('\n', Lines(Body(original))));
        return Join(text, block.ToString().TrimEnd('\n'));
    }

    /// <summary>"Fwd: " before the subject unless it already starts with Fwd:/Fw:/転送:.</summary>
    public static string ForwardSubject(string subject) =>
        subject.StartsWith("Fwd:", StringComparison.OrdinalIgnoreCase) || subject.StartsWith("Fw:", StringComparison.OrdinalIgnoreCase) ? subject : "Fwd: " + subject;

    private static string WroteLine(TicketMessage original, TimeZoneInfo zone)
    {
        var from = AddressView.FromJson(original.FromJson).FirstOrDefault();
        var date = Local(original.Date, zone);
        var name = from is null ? "" : from.Name.Length > 0 ? from.Name : from.Address;
        return IsJapanese(original)
            ? $"{date.ToString("yyyy/MM/dd HH:mm", CultureInfo.InvariantCulture)} {name} さんは書きました:"
            : $"On {date.ToString("ddd, d MMM yyyy HH:mm", CultureInfo.InvariantCulture)}, {Full(from)} wrote:";
    }

    /// <summary>The text part, else the HTML part as text.</summary>
    private static string Body(TicketMessage m) => SearchIndexWriter.Body(m.Text, m.Html);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static string EscapeLines(string text) => string.Join("<br>\n", Lines(text).Select(Escape));

    /// <summary>The block after the writer's HTML: before &lt;/body&gt; when there is one, else at the end.</summary>
    private static string JoinHtml(string html, string block)
    {
        var end = html.LastIndexOf("</body>", StringComparison.OrdinalIgnoreCase);
        var below = "<br>\n" + block + "\n";
        return end < 0 ? html.TrimEnd() + "\n" + below : html[..end] + below + html[end..];
    }

    private static string Join(string? text, string below) =>
        string.IsNullOrWhiteSpace(text) ? below : text.TrimEnd() + "\n\n" + below;

    private static IEnumerable<string> Lines(string? text) => (text ?? "").ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    private static DateTime Local(DateTime utc, TimeZoneInfo zone) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);

    private static string Full(AddressView? a) => a is null ? "" : a.Name.Length > 0 ? $"{a.Name} <{a.Address}>" : a.Address;

    private static bool IsJapanese(TicketMessage m) =>
        HasJapanese(m.Subject) || AddressView.FromJson(m.FromJson).Any(a => HasJapanese(a.Name)) || HasJapanese(Body(m));

    private static bool HasJapanese(string? s) =>
        s is not null && s.Any(c => c is (>= '\u3040' and <= '\u30ff') or (>= '\u4e00' and <= '\u9fff') or (>= '\uff66' and <= '\uff9f'));
}
