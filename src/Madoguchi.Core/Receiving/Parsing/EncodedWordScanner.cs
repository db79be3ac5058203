namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>One piece of an unfolded header value: either plain bytes or one RFC 2047 encoded-word.</summary>
internal readonly record struct HeaderSegment(int Start, int End, string? Charset, char Encoding, int TextStart, int TextEnd)
{
    public bool IsWord => Charset is not null;
}

/// <summary>Splits a header value into plain text and encoded-words, accepting the forms Japanese mailers
/// really send: lowercase labels, a missing closing "?=", words glued to each other or to text, and words
/// inside quoted strings.</summary>
internal static class EncodedWordScanner
{
    private const int MaxCharsetLength = 64;

    public static List<HeaderSegment> Scan(ReadOnlySpan<byte> value)
    {
        var segments = new List<HeaderSegment>();
        var textStart = 0;
        var i = 0;
        while (i < value.Length)
        {
            var next = value[i..].IndexOf("=?"u8);
            if (next < 0)
                break;

            i += next;
            if (TryReadWord(value, i, out var word))
            {
                if (i > textStart)
                    segments.Add(new HeaderSegment(textStart, i, null, '\0', textStart, i));
                segments.Add(word);
                i = textStart = word.End;
            }
            else
            {
                i++;
            }
        }

        if (textStart < value.Length)
            segments.Add(new HeaderSegment(textStart, value.Length, null, '\0', textStart, value.Length));
        return segments;
    }

    private static bool TryReadWord(ReadOnlySpan<byte> value, int start, out HeaderSegment word)
    {
        word = default;
        if (!TryReadPrefix(value, start, out var charset, out var encoding, out var textStart))
            return false;

        var p = textStart;
        while (p < value.Length)
        {
            var b = value[p];
            if (b == '?' && p + 1 < value.Length && value[p + 1] == '=')
            {
                word = new HeaderSegment(start, p + 2, charset, encoding, textStart, p);
                return true;
            }

            // No closing "?=": the word ends at whitespace, at a stray '?', or where the next word begins.
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'?' || (b == '=' && TryReadPrefix(value, p, out _, out _, out _)))
                break;
            p++;
        }

        if (p == textStart)
            return false;

        var end = p < value.Length && value[p] == '?' ? p + 1 : p;
        word = new HeaderSegment(start, end, charset, encoding, textStart, p);
        return true;
    }

    /// <summary>Reads "=?charset?X?" and reports where the encoded text starts.</summary>
    private static bool TryReadPrefix(ReadOnlySpan<byte> value, int start, out string charset, out char encoding, out int textStart)
    {
        charset = string.Empty;
        encoding = '\0';
        textStart = 0;
        if (start + 1 >= value.Length || value[start] != '=' || value[start + 1] != '?')
            return false;

        var p = start + 2;
        var charsetStart = p;
        while (p < value.Length && p - charsetStart <= MaxCharsetLength && IsCharsetByte(value[p]))
            p++;

        if (p == charsetStart || p + 2 >= value.Length || value[p] != '?' || value[p + 2] != '?')
            return false;

        var e = char.ToUpperInvariant((char)value[p + 1]);
        if (e is not ('B' or 'Q'))
            return false;

        charset = System.Text.Encoding.ASCII.GetString(value[charsetStart..p]);
        encoding = e;
        textStart = p + 3;
        return true;
    }

    private static bool IsCharsetByte(byte b) => b > ' ' && b < 0x7F && b != '?' && b != '=' && b != '"';
}
