using System.Globalization;
using System.Text;
using Madoguchi.Core.Tickets;

namespace Madoguchi.Core.Sending.Compose;

/// <summary>The original message under a reply ("&gt; " quoting after an "On … wrote:" line) or a forward (its header
/// block, then its text). Japanese when the original is written in Japanese (kana or kanji in its subject, sender name or
/// text: 「… さんは書きました:」, 「転送メッセージ」), English otherwise. Dates in the writer's time zone.</summary>
public static class QuotedOriginal
{
    public static string Reply(string? text, TicketMessage original, TimeZoneInfo zone)
    {
        var from = AddressView.FromJson(original.FromJson).FirstOrDefault();
        var date = Local(original.Date, zone);
        var japanese = IsJapanese(original);
        var name = from is null ? "" : from.Name.Length > 0 ? from.Name : from.Address;
        var line = japanese
            ? $"{date.ToString("yyyy/MM/dd HH:mm", CultureInfo.InvariantCulture)} {name} さんは書きました:"
            : $"On {date.ToString("ddd, d MMM yyyy HH:mm", CultureInfo.InvariantCulture)}, {Full(from)} wrote:";
        var quoted = new StringBuilder();
        foreach (var l in Lines(original.Text))
            quoted.Append(l.StartsWith('>') ? ">" : "> ").Append(l).Append('\n');
        return Join(text, line + "\n" + quoted.ToString().TrimEnd('\n'));
    }

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
        block.Append('\n').Append(string.Join('\n', Lines(original.Text)));
        return Join(text, block.ToString().TrimEnd('\n'));
    }

    /// <summary>"Fwd: " before the subject unless it already starts with Fwd:/Fw:/転送:.</summary>
    public static string ForwardSubject(string subject) =>
        subject.StartsWith("Fwd:", StringComparison.OrdinalIgnoreCase) || subject.StartsWith("Fw:", StringComparison.OrdinalIgnoreCase) ? subject : "Fwd: " + subject;

    private static string Join(string? text, string below) =>
        string.IsNullOrWhiteSpace(text) ? below : text.TrimEnd() + "\n\n" + below;

    private static IEnumerable<string> Lines(string? text) => (text ?? "").ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    private static DateTime Local(DateTime utc, TimeZoneInfo zone) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);

    private static string Full(AddressView? a) => a is null ? "" : a.Name.Length > 0 ? $"{a.Name} <{a.Address}>" : a.Address;

    private static bool IsJapanese(TicketMessage m) =>
        HasJapanese(m.Subject) || AddressView.FromJson(m.FromJson).Any(a => HasJapanese(a.Name)) || HasJapanese(m.Text);

    private static bool HasJapanese(string? s) =>
        s is not null && s.Any(c => c is (>= '\u3040' and <= '\u30ff') or (>= '\u4e00' and <= '\u9fff') or (>= '\uff66' and <= '\uff9f'));
}
