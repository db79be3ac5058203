using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>The plain-text rendering of an HTML body: what a reader sees, without markup, scripts or styles; block elements
/// and &lt;br&gt; become line breaks, list items a leading "- ", links keep their text. Used for search (an HTML-only mail
/// is found by its words), and meant for list previews and quoting a message in a reply.</summary>
public static class HtmlText
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "head", "title", "template", "noscript" };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "header", "footer", "blockquote", "pre", "table", "tr", "ul", "ol", "li",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "address", "dl", "dt", "dd", "center", "form", "fieldset", "figure",
    };

    private static readonly HtmlParser Parser = new(new HtmlParserOptions { IsScripting = false });

    public static string ToPlainText(string html)
    {
        if (string.IsNullOrEmpty(html))
            return "";
        using var document = Parser.ParseDocument(html);
        var text = new StringBuilder(html.Length / 2);
        Append(document.Body ?? (INode)document.DocumentElement, text);
        return Tidy(text);
    }

    private static void Append(INode node, StringBuilder text)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText t:
                    text.Append(t.Data);
                    break;
                case IElement e when Skipped.Contains(e.LocalName):
                    break;
                case IElement e when e.LocalName == "br":
                    text.Append('\n');
                    break;
                case IElement e when e.LocalName is "td" or "th":
                    Append(e, text);
                    text.Append('\t');
                    break;
                case IElement e when e.LocalName == "img":
                    if (e.GetAttribute("alt") is { Length: > 0 } alt)
                        text.Append(alt);
                    break;
                case IElement e when Blocks.Contains(e.LocalName):
                    text.Append('\n');
                    if (e.LocalName == "li")
                        text.Append("- ");
                    Append(e, text);
                    text.Append('\n');
                    break;
                case IElement e:
                    Append(e, text);
                    break;
            }
        }
    }

    /// <summary>Collapses spaces inside lines (HTML source indentation is not text), trims lines, and keeps at most one empty line in a row.</summary>
    private static string Tidy(StringBuilder raw)
    {
        var result = new StringBuilder(raw.Length);
        var blankLines = 0;
        foreach (var rawLine in raw.ToString().Split('\n'))
        {
            var line = CollapseSpaces(rawLine);
            if (line.Length == 0)
            {
                if (result.Length > 0 && blankLines++ == 0)
                    result.Append('\n');
                continue;
            }
            blankLines = 0;
            result.Append(line).Append('\n');
        }
        return result.ToString().Trim('\n');
    }

    private static string CollapseSpaces(string line)
    {
        var builder = new StringBuilder(line.Length);
        var space = false;
        foreach (var c in line)
        {
            // A non-breaking space is a space to the reader.
            if (c is ' ' or '\t' or '\r' or '\f' or '\u00A0')
            {
                space = builder.Length > 0;
                continue;
            }
            if (space)
                builder.Append(' ');
            space = false;
            builder.Append(c);
        }
        return builder.ToString();
    }
}
