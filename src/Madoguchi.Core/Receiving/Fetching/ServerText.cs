using System.Text;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>A mail server's own words to a mail command (after its greeting), made safe to show and store: the first
/// line only, control and format characters removed, runs of spaces collapsed, at most <see cref="MaxLength"/> characters.</summary>
public static class ServerText
{
    public const int MaxLength = 200;

    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        var line = text.AsSpan();
        var end = line.IndexOfAny('\r', '\n');
        if (end >= 0)
            line = line[..end];
        var clean = new StringBuilder(Math.Min(line.Length, MaxLength + 1));
        var space = false;
        foreach (var rune in line.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune))
            {
                space = clean.Length > 0;
                continue;
            }
            var category = Rune.GetUnicodeCategory(rune);
            if (category is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                or System.Globalization.UnicodeCategory.Surrogate or System.Globalization.UnicodeCategory.PrivateUse or System.Globalization.UnicodeCategory.OtherNotAssigned
                || rune == Rune.ReplacementChar)
                continue;
            if (space)
                clean.Append(' ');
            space = false;
            clean.Append(rune.ToString());
            if (clean.Length > MaxLength)
                break;
        }
        return clean.Length > MaxLength ? string.Concat(clean.ToString(0, MaxLength - 1).TrimEnd(), "…") : clean.ToString();
    }
}
