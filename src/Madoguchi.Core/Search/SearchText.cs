using System.Globalization;
using System.Text;

namespace Madoguchi.Core.Search;

/// <summary>The one folding that indexed text and queries both go through, so that a query matches exactly when its folded
/// form is a substring of the message's folded text: NFKC (full-width ＡＢＣ１２３ and half-width ｶﾀｶﾅ become ABC123 and
/// カタカナ, ㈱ becomes (株)), lower case, zero-width characters dropped, every run of white space one space, and a line
/// break between two Japanese characters dropped (mail wraps Japanese lines inside words).</summary>
public static class SearchText
{
    /// <summary>Grams of a query term used to find candidates; more would only make the posting lookup longer, since every
    /// candidate is checked against the whole term anyway.</summary>
    public const int MaxQueryGrams = 8;

    public static string Fold(string text) => Fold(text, null);

    /// <summary>Folds <paramref name="text"/> and reports, for each folded character, the range of the original it came
    /// from (for highlighting in the original text).</summary>
    public static string Fold(string text, List<(int Start, int End)>? map)
    {
        var folded = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                var start = i;
                var lineBreak = false;
                while (i < text.Length && (char.IsWhiteSpace(text[i]) || IsIgnorable(text[i])))
                {
                    lineBreak |= text[i] is '\n' or '\r';
                    i++;
                }
                var joinsJapanese = lineBreak && folded.Length > 0 && IsJapanese(folded[^1]) && i < text.Length && IsJapanese(text[i]);
                if (folded.Length > 0 && i < text.Length && !joinsJapanese)
                {
                    folded.Append(' ');
                    map?.Add((start, i));
                }
                continue;
            }
            if (IsIgnorable(c))
            {
                i++;
                continue;
            }
            if (c < 0x80)
            {
                folded.Append(c is >= 'A' and <= 'Z' ? (char)(c + 32) : c);
                map?.Add((i, i + 1));
                i++;
                continue;
            }

            // Most Japanese text: a kana or ideograph that NFKC and lower case leave as it is, with no mark after it.
            if (IsStable(c) && (i + 1 == text.Length || !IsCombining(text[i + 1])))
            {
                folded.Append(c);
                map?.Add((i, i + 1));
                i++;
                continue;
            }

            // One cluster: a character (or surrogate pair) with the combining marks after it, so that ｶﾞ folds to ガ.
            var end = i + (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1);
            while (end < text.Length && IsCombining(text[end]))
                end++;
            var cluster = text.AsSpan(i, end - i).ToString();
            string normal;
            try
            {
                normal = cluster.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
            }
            catch (ArgumentException)
            {
                // A lone surrogate: kept as it is.
                normal = cluster;
            }
            foreach (var n in normal)
            {
                if (char.IsWhiteSpace(n))
                {
                    if (folded.Length > 0 && folded[^1] != ' ')
                    {
                        folded.Append(' ');
                        map?.Add((i, end));
                    }
                    continue;
                }
                folded.Append(n);
                map?.Add((i, end));
            }
            i = end;
        }
        if (folded.Length > 0 && folded[^1] == ' ')
        {
            folded.Length--;
            map?.RemoveAt(map.Count - 1);
        }
        return folded.ToString();
    }

    /// <summary>The terms of a query: folded, split at white space, duplicates dropped. Every term must match (AND).</summary>
    public static IReadOnlyList<string> Terms(string? query) =>
        string.IsNullOrWhiteSpace(query) ? [] : Fold(query).Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Every distinct pair of adjacent characters of folded text that holds no space, as one number
    /// (first UTF-16 unit × 65,536 + second). A text that contains a term contains every gram of the term.</summary>
    public static HashSet<int> Grams(string folded)
    {
        var grams = new HashSet<int>();
        for (var i = 0; i + 1 < folded.Length; i++)
        {
            if (folded[i] != ' ' && folded[i + 1] != ' ')
                grams.Add(Gram(folded[i], folded[i + 1]));
        }
        return grams;
    }

    /// <summary>The grams of a term that candidates must all have: all of them, or <see cref="MaxQueryGrams"/> spread over
    /// the term (first and last included). Empty for a one-character term (found by scanning instead).</summary>
    public static int[] QueryGrams(string term)
    {
        var all = new List<int>();
        for (var i = 0; i + 1 < term.Length; i++)
        {
            var gram = Gram(term[i], term[i + 1]);
            if (!all.Contains(gram))
                all.Add(gram);
        }
        if (all.Count <= MaxQueryGrams)
            return [.. all];
        var picked = new SortedSet<int>();
        for (var k = 0; k < MaxQueryGrams; k++)
            picked.Add(all[(int)((long)k * (all.Count - 1) / (MaxQueryGrams - 1))]);
        return [.. picked];
    }

    /// <summary>True when the postings alone decide the term: a two-unit term is its own one gram, and a document's folded
    /// text holds the term exactly when the document has that gram (grams are taken at every pair of adjacent characters
    /// without a space, and terms hold no space). Longer terms need the text check (their grams may sit apart).</summary>
    public static bool PostingsAreExact(string term) => term.Length == 2;

    private static int Gram(char first, char second) => unchecked((first << 16) | second);

    /// <summary>Hiragana, katakana (with ー) and CJK ideographs (Extension A and the unified block): no compatibility
    /// decomposition and no case, so folding leaves them as they are (the ICU call is skipped). ゛゜ and the CJK
    /// compatibility ideographs are not among them.</summary>
    private static bool IsStable(char c) =>
        c is >= '\u3041' and <= '\u3096' or >= '\u30A1' and <= '\u30FA' or '\u30FC' or >= '\u3400' and <= '\u4DBF' or >= '\u4E00' and <= '\u9FFF';

    private static bool IsIgnorable(char c) => c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u00AD';

    private static bool IsCombining(char c) =>
        c is '\uFF9E' or '\uFF9F' || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    /// <summary>Kana, CJK ideographs, full-width forms and Japanese punctuation: scripts written without spaces between words.</summary>
    private static bool IsJapanese(char c) => c is >= '\u3000' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF' or >= '\uFF00' and <= '\uFFEF';
}
