using System.Text;

namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>EUC-JP proper, for decoding: ASCII, JIS X 0208 (two bytes A1–FE, with the NEC rows real mailers use),
/// half-width katakana (8E + A1–DF) and JIS X 0212, the supplementary kanji (8F + two bytes A1–FE: 鷗 in 森鷗外,
/// 彅 in 草彅), with the IBM extensions of eucJP-ms (8F F3F3–F4FE: 髙, 﨑, ⅰ …) and its user-defined area.
/// <para>.NET's CP51932 reads everything but the 8F sequences (one becomes "・" plus a wrong kanji). CP20932 holds
/// JIS X 0212, but as two bytes: the row with its high bit set and the cell without it (8F EC BF is EC 3F there); its
/// layout of rows F3–F4 is not eucJP-ms's, so those come from <see cref="IbmExtensions"/>.
/// Runs without 8F go to CP51932 as before; each 8F sequence is looked up. Stateless: callers decode whole texts (a
/// sequence split across two calls reads as U+FFFD). Encoding (never needed for received mail) is CP51932's.</para></summary>
internal sealed class EucJpEncoding : Encoding
{
    private const byte SingleShift2 = 0x8E;
    private const byte SingleShift3 = 0x8F;
    private const char Replacement = '\uFFFD';

    private readonly Encoding _main;
    private readonly Encoding _supplementary;

    public EucJpEncoding()
        : base(51932)
    {
        var replacement = new DecoderReplacementFallback(Replacement.ToString());
        _main = GetEncoding(51932, EncoderFallback.ReplacementFallback, replacement);
        _supplementary = GetEncoding(20932, EncoderFallback.ReplacementFallback, replacement);
    }

    /// <summary>eucJP-ms 8F F3F3–F3FE and 8F F4A1–F4FE, in order: the IBM extensions of CP932 that JIS X 0208 and
    /// JIS X 0212 lack. Generated on Debian from glibc's converter (a mapping, not code):
    /// <c>for each code: printf '\x8f\xf3\xf3' | iconv -f EUC-JP-MS -t UTF-8</c> (see the Parsing README).</summary>
    internal const string IbmExtensions =
        "ⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ＇＂㈱№℡炻仼僴凬匇匤﨎咊坙﨏塚增寬峵嵓﨑德悅愠敎昻晥晴朗栁﨓﨔橫櫢淸淲瀨凞猪甁皂皞益礰礼神祥福竧靖精綠緖羽荢﨟薰蘒﨡蠇諸譿賴赶﨣﨤逸郞都鄕﨧﨨閒隆﨩霻靍靑飯飼館馞髙魲鶴黑";

    public override string WebName => "euc-jp";

    public override string EncodingName => "Japanese (EUC-JP, JIS X 0208 and JIS X 0212)";

    public override string BodyName => "euc-jp";

    public override string HeaderName => "euc-jp";

    public override bool IsSingleByte => false;

    public override int GetByteCount(char[] chars, int index, int count) => _main.GetByteCount(chars, index, count);

    public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) =>
        _main.GetBytes(chars, charIndex, charCount, bytes, byteIndex);

    public override int GetMaxByteCount(int charCount) => _main.GetMaxByteCount(charCount);

    public override int GetMaxCharCount(int byteCount) => byteCount + 1;

    public override int GetCharCount(byte[] bytes, int index, int count) => Decode(bytes.AsSpan(index, count), [], counting: true);

    public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) =>
        Decode(bytes.AsSpan(byteIndex, byteCount), chars.AsSpan(charIndex), counting: false);

    public override int GetCharCount(ReadOnlySpan<byte> bytes) => Decode(bytes, [], counting: true);

    public override int GetChars(ReadOnlySpan<byte> bytes, Span<char> chars) => Decode(bytes, chars, counting: false);

    /// <summary>Decodes into <paramref name="output"/> (or only counts); answers the number of chars.</summary>
    private int Decode(ReadOnlySpan<byte> bytes, Span<char> output, bool counting)
    {
        if (bytes.IndexOf(SingleShift3) < 0)
            return Run(_main, bytes, output, 0, counting);
        var written = 0;
        var runStart = 0;
        var i = 0;
        Span<byte> pair = stackalloc byte[2];
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b != SingleShift3)
            {
                // Step over whole characters, so a run never ends inside one.
                i += (b is >= 0xA1 and <= 0xFE && i + 1 < bytes.Length && bytes[i + 1] is >= 0xA1 and <= 0xFE)
                    || (b == SingleShift2 && i + 1 < bytes.Length && bytes[i + 1] is >= 0xA1 and <= 0xDF) ? 2 : 1;
                continue;
            }

            written += Run(_main, bytes[runStart..i], output, written, counting);
            if (i + 2 < bytes.Length && bytes[i + 1] is >= 0xA1 and <= 0xFE && bytes[i + 2] is >= 0xA1 and <= 0xFE)
            {
                written += Supplementary(bytes[i + 1], bytes[i + 2], output, written, counting, pair);
                i += 3;
            }
            else
            {
                // A lone or truncated 8F: not a character.
                if (!counting)
                    output[written] = Replacement;
                written++;
                i++;
            }
            runStart = i;
        }

        return written + Run(_main, bytes[runStart..], output, written, counting);
    }

    /// <summary>One JIS X 0212 (or eucJP-ms extension) character, from the two bytes after 8F.</summary>
    private int Supplementary(byte row, byte cell, Span<char> output, int at, bool counting, Span<byte> pair)
    {
        var ibm = row == 0xF3 ? cell - 0xF3 : row == 0xF4 ? 12 + cell - 0xA1 : -1;
        char? fixedChar = (row, cell) switch
        {
            // The two JIS X 0212 characters CP20932 lacks.
            (0xA2, 0xB7) => '\uFF5E', // ～
            (0xA2, 0xF1) => '\u2116', // №
            _ when row == 0xF3 && cell < 0xF3 => Replacement,
            _ when ibm >= 0 => ibm < IbmExtensions.Length ? IbmExtensions[ibm] : Replacement,
            _ => null,
        };
        if (fixedChar is { } c)
        {
            if (!counting)
                output[at] = c;
            return 1;
        }
        (pair[0], pair[1]) = (row, (byte)(cell & 0x7F));
        return Run(_supplementary, pair, output, at, counting);
    }

    private static int Run(Encoding encoding, ReadOnlySpan<byte> bytes, Span<char> output, int at, bool counting) =>
        bytes.IsEmpty ? 0 : counting ? encoding.GetCharCount(bytes) : encoding.GetChars(bytes, output[at..]);
}
