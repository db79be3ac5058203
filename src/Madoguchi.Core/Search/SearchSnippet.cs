using System.Net;
using System.Text;

namespace Madoguchi.Core.Search;

/// <summary>A short piece of a message's body around the first match, as HTML: escaped text with every match of a term
/// in &lt;mark&gt;. Matches are found in the folded body and marked in the original text (ｶﾀｶﾅ found by カタカナ is marked
/// as written).</summary>
public static class SearchSnippet
{
    private const int Before = 40;
    private const int Length = 160;

    public static string Html(string body, IReadOnlyList<string> terms)
    {
        var map = new List<(int Start, int End)>();
        var folded = SearchText.Fold(body, map);
        var matches = new List<(int Start, int End)>();
        foreach (var term in terms)
        {
            for (var at = folded.IndexOf(term, StringComparison.Ordinal); at >= 0; at = folded.IndexOf(term, at + 1, StringComparison.Ordinal))
                matches.Add((map[at].Start, map[at + term.Length - 1].End));
        }
        matches.Sort();
        var from = matches.Count == 0 ? 0 : Math.Max(0, matches[0].Start - Before);
        if (from > 0 && char.IsLowSurrogate(body[from]))
            from--;
        var to = Math.Min(body.Length, from + Length);
        if (to < body.Length && to > 0 && char.IsHighSurrogate(body[to - 1]))
            to--;

        var html = new StringBuilder();
        if (from > 0)
            html.Append('…');
        var position = from;
        foreach (var (start, end) in matches)
        {
            if (start < position || start >= to)
                continue;
            html.Append(Escape(body[position..start]));
            html.Append("<mark>").Append(Escape(body[start..Math.Min(end, to)])).Append("</mark>");
            position = Math.Min(end, to);
        }
        html.Append(Escape(body[position..to]));
        if (to < body.Length)
            html.Append('…');
        return html.ToString();
    }

    /// <summary>Escaped, with line breaks and runs of spaces shown as one space.</summary>
    private static string Escape(string text)
    {
        var flat = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                if (flat.Length == 0 || flat[^1] != ' ')
                    flat.Append(' ');
            }
            else
            {
                flat.Append(c);
            }
        }
        return WebUtility.HtmlEncode(flat.ToString());
    }
}
