using System.Text;

namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>Turns bytes plus a (possibly missing or wrong) charset label into text. The label is trusted
/// only while the bytes agree with it; otherwise <see cref="CharsetDetector"/> decides.</summary>
internal static class TextDecoder
{
    public static string Decode(ReadOnlySpan<byte> bytes, string? label)
    {
        if (bytes.IsEmpty)
            return string.Empty;
        var encoding = Choose(bytes, Charsets.Resolve(label));
        // ASCII bytes read the same in windows-1252, ISO-8859-1 and US-ASCII: the Latin-1 decoder is the vectorised one
        // (the code-page decoder goes byte by byte).
        return encoding.CodePage is 1252 or 28591 or 20127 && Ascii.IsValid(bytes) ? Encoding.Latin1.GetString(bytes) : encoding.GetString(bytes);
    }

    /// <summary>The encoding to read <paramref name="bytes"/> with, given the declared one (null when
    /// missing or unknown).</summary>
    public static Encoding Choose(ReadOnlySpan<byte> bytes, Encoding? declared)
    {
        var detected = CharsetDetector.Detect(bytes);
        var guess = CharsetDetector.EncodingOf(detected);

        switch (detected)
        {
            case DetectedCharset.Ascii:
                return declared ?? Charsets.Utf8;
            case DetectedCharset.Iso2022Jp:
                // 7-bit JIS escapes are also valid UTF-8 and ASCII, so a UTF-8 or missing label must not win (Outlook does this).
                return declared is { IsSingleByte: false } and not UTF8Encoding && !Charsets.IsJapanese(declared) ? declared : Charsets.Iso2022JpEncoding;
        }

        // From here on the bytes have the 8th bit set.
        if (declared is null || Charsets.IsWesternSingleByte(declared) || declared.CodePage is 50220 or 50221 or 50222)
            return guess ?? (declared is { IsSingleByte: true } ? declared : Charsets.Western);

        if (declared is UTF8Encoding)
            return detected is DetectedCharset.ShiftJis or DetectedCharset.EucJp ? guess! : declared;

        // Strictly valid multibyte UTF-8 is practically never Shift_JIS or EUC-JP text by accident.
        if (detected == DetectedCharset.Utf8)
            return Charsets.Utf8;

        // A Japanese label on the other Japanese encoding: switch only when the label produces garbage.
        if (Charsets.IsJapanese(declared) && guess is not null && guess.CodePage != declared.CodePage
            && declared.GetString(bytes).Contains('\uFFFD', StringComparison.Ordinal))
            return guess;

        return declared;
    }
}
