using System.Text;
using System.Text.Unicode;

namespace Madoguchi.Core.Receiving.Parsing;

internal enum DetectedCharset
{
    /// <summary>Only 7-bit bytes and no ISO-2022-JP escapes.</summary>
    Ascii,
    Iso2022Jp,
    Utf8,
    ShiftJis,
    EucJp,
    /// <summary>8-bit bytes that look like none of the above (probably a Western single-byte charset).</summary>
    Unknown,
}

/// <summary>Guesses the charset of bytes whose label is missing or wrong. Japanese mail is the case it is
/// built for: ISO-2022-JP by its escape sequences, UTF-8 by strict validity, and Shift_JIS against EUC-JP
/// by decoding both ways and scoring what comes out as Japanese text.</summary>
internal static class CharsetDetector
{
    // Enough text to decide; bodies can be megabytes and the answer does not change past this.
    private const int SampleLimit = 64 * 1024;
    private const byte Esc = 0x1B;

    public static DetectedCharset Detect(ReadOnlySpan<byte> bytes)
    {
        var truncated = bytes.Length > SampleLimit;
        var sample = truncated ? bytes[..SampleLimit] : bytes;

        if (!HasEightBit(sample))
            return HasIso2022JpEscape(sample) ? DetectedCharset.Iso2022Jp : DetectedCharset.Ascii;

        if (IsUtf8(sample, truncated))
            return DetectedCharset.Utf8;

        var sjis = JapaneseScore(Charsets.ShiftJisEncoding.GetString(sample));
        var euc = JapaneseScore(Charsets.EucJpEncoding.GetString(sample));
        if (sjis <= 0 && euc <= 0)
            return DetectedCharset.Unknown;

        // Ties go to Shift_JIS: it is what Windows mailers send when they forget the label.
        return euc > sjis ? DetectedCharset.EucJp : DetectedCharset.ShiftJis;
    }

    public static Encoding? EncodingOf(DetectedCharset detected) => detected switch
    {
        DetectedCharset.Iso2022Jp => Charsets.Iso2022JpEncoding,
        DetectedCharset.Utf8 => Charsets.Utf8,
        DetectedCharset.ShiftJis => Charsets.ShiftJisEncoding,
        DetectedCharset.EucJp => Charsets.EucJpEncoding,
        _ => null,
    };

    public static bool HasEightBit(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0;

    /// <summary>ESC $ B, ESC $ @, ESC ( J, ESC ( I, ESC $ ( D and the SO shift for half-width katakana.</summary>
    public static bool HasIso2022JpEscape(ReadOnlySpan<byte> bytes)
    {
        for (var i = bytes.IndexOf(Esc); i >= 0 && i + 2 < bytes.Length; i = NextEsc(bytes, i))
        {
            var (a, b) = (bytes[i + 1], bytes[i + 2]);
            if ((a == '$' && (b == 'B' || b == '@' || b == '(')) || (a == '(' && (b == 'J' || b == 'I' || b == 'B')))
                return true;
        }

        return false;
    }

    private static int NextEsc(ReadOnlySpan<byte> bytes, int from)
    {
        var next = bytes[(from + 1)..].IndexOf(Esc);
        return next < 0 ? -1 : from + 1 + next;
    }

    private static bool IsUtf8(ReadOnlySpan<byte> sample, bool truncated)
    {
        if (Utf8.IsValid(sample))
            return true;

        // A sample cut mid-character is still UTF-8 if only the last (up to 3) bytes are incomplete.
        for (var cut = 1; truncated && cut <= 3 && cut < sample.Length; cut++)
        {
            if (Utf8.IsValid(sample[..^cut]))
                return true;
        }

        return false;
    }

    /// <summary>Positive when the text reads like Japanese: kana and kanji score, replacement characters,
    /// control characters and runs of half-width katakana (how EUC-JP looks when read as Shift_JIS) cost.</summary>
    internal static int JapaneseScore(string text)
    {
        var score = 0;
        foreach (var c in text)
        {
            score += c switch
            {
                '\uFFFD' => -20,
                >= '\u3040' and <= '\u30FF' => 3,
                >= '\u4E00' and <= '\u9FFF' => 2,
                >= '\u3000' and <= '\u303F' => 2,
                >= '\uFF01' and <= '\uFF5E' => 2,
                >= '\uFF61' and <= '\uFF9F' => -1,
                >= '\uE000' and <= '\uF8FF' => -3,
                '\r' or '\n' or '\t' => 0,
                < ' ' or '\u007F' => -5,
                < '\u0080' => 0,
                _ => -2,
            };
        }

        return score;
    }
}
