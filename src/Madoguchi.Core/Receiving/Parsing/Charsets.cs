using System.Collections.Concurrent;
using System.Text;

namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>Turns a MIME charset label into a .NET <see cref="Encoding"/>, mapping the Japanese labels
/// to the Microsoft code pages that real mailers actually produce (CP932, CP5022x, CP51932).</summary>
internal static class Charsets
{
    // 50221 decodes plain ISO-2022-JP, the NEC/IBM rows (①, ㈱, 髙) and half-width katakana in both
    // the ESC ( I and SO/SI forms, so every ISO-2022-JP label goes there.
    private const int Iso2022Jp = 50221;
    private const int ShiftJis = 932;
    private const int EucJp = 51932;

    private static readonly Dictionary<string, int> JapaneseLabels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["iso-2022-jp"] = Iso2022Jp,
        ["csiso2022jp"] = Iso2022Jp,
        ["iso-2022-jp-ms"] = Iso2022Jp,
        ["iso-2022-jp-1"] = Iso2022Jp,
        ["iso-2022-jp-2"] = Iso2022Jp,
        ["iso-2022-jp-3"] = Iso2022Jp,
        ["cp50220"] = Iso2022Jp,
        ["cp50221"] = Iso2022Jp,
        ["cp50222"] = Iso2022Jp,
        ["jis"] = Iso2022Jp,
        ["shift_jis"] = ShiftJis,
        ["shift-jis"] = ShiftJis,
        ["shiftjis"] = ShiftJis,
        ["x-sjis"] = ShiftJis,
        ["sjis"] = ShiftJis,
        ["ms_kanji"] = ShiftJis,
        ["csshiftjis"] = ShiftJis,
        ["windows-31j"] = ShiftJis,
        ["cswindows31j"] = ShiftJis,
        ["cp932"] = ShiftJis,
        ["ms932"] = ShiftJis,
        ["windows-932"] = ShiftJis,
        ["x-ms-cp932"] = ShiftJis,
        ["euc-jp"] = EucJp,
        ["x-euc-jp"] = EucJp,
        ["eucjp"] = EucJp,
        ["euc-jp-ms"] = EucJp,
        ["cseucpkdfmtjapanese"] = EucJp,
        ["cp51932"] = EucJp,
    };

    private static readonly ConcurrentDictionary<int, Encoding> Cache = new();

    static Charsets() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Utf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static Encoding Iso2022JpEncoding => ByCodePage(Iso2022Jp);

    public static Encoding ShiftJisEncoding => ByCodePage(ShiftJis);

    /// <summary>Our EUC-JP: CP51932 plus the JIS X 0212 characters it lacks (see <see cref="Parsing.EucJpEncoding"/>).</summary>
    public static Encoding EucJpEncoding => EucJpProper.Value;

    private static readonly Lazy<Encoding> EucJpProper = new(() => new Parsing.EucJpEncoding());

    /// <summary>Windows-1252 is what "iso-8859-1" and unlabelled Western mail really mean.</summary>
    public static Encoding Western => ByCodePage(1252);

    /// <summary>Makes sure the code-page provider is registered; call before any decoding.</summary>
    public static void EnsureRegistered()
    {
        // The static constructor does the work; this method only forces it to run.
    }

    /// <summary>Labels already resolved (unknown ones as null): resolving asks the encoding providers, and an unknown
    /// label costs an exception, for every part that carries it.</summary>
    private static readonly ConcurrentDictionary<string, Encoding?> Resolved = new(StringComparer.Ordinal);

    /// <summary>Real mail uses a few dozen labels; a flood of made-up ones is resolved each time rather than kept.</summary>
    private const int MaxResolved = 256;

    /// <summary>The encoding for a label, or null when the label is missing or unknown.</summary>
    public static Encoding? Resolve(string? label)
    {
        if (string.IsNullOrWhiteSpace(label))
            return null;
        if (Resolved.TryGetValue(label, out var known))
            return known;
        var encoding = ResolveUncached(label);
        if (Resolved.Count < MaxResolved)
            Resolved.TryAdd(label, encoding);
        return encoding;
    }

    private static Encoding? ResolveUncached(string label)
    {
        var name = label.Trim().Trim('"', '\'');
        // RFC 2231 allows a language after '*' (e.g. "iso-2022-jp*ja").
        var star = name.IndexOf('*', StringComparison.Ordinal);
        if (star >= 0)
            name = name[..star];

        if (JapaneseLabels.TryGetValue(name, out var codePage))
            return codePage == EucJp ? EucJpEncoding : ByCodePage(codePage);

        if (name.Equals("utf8", StringComparison.OrdinalIgnoreCase) || name.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            return Utf8;

        // Latin-1 labels really mean windows-1252 in practice (curly quotes, euro sign).
        if (name.Equals("iso-8859-1", StringComparison.OrdinalIgnoreCase) || name.Equals("latin1", StringComparison.OrdinalIgnoreCase)
            || name.Equals("us-ascii", StringComparison.OrdinalIgnoreCase) || name.Equals("ascii", StringComparison.OrdinalIgnoreCase))
            return Western;

        try
        {
            var found = Encoding.GetEncoding(name).CodePage;
            // CP20932 is EUC-JP too (other labels for it): it alone would read JIS X 0208 without the NEC rows.
            return found is EucJp or 20932 ? EucJpEncoding : ByCodePage(found);
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Bad bytes become U+FFFD, never '?', so a decoding problem stays visible and countable.</summary>
    private static Encoding ByCodePage(int codePage) =>
        codePage == 65001 ? Utf8 : Cache.GetOrAdd(codePage, static cp =>
            Encoding.GetEncoding(cp, EncoderFallback.ReplacementFallback, new DecoderReplacementFallback("\uFFFD")));

    /// <summary>True for the single-byte Western charsets that Japanese bytes are often mislabelled as.</summary>
    public static bool IsWesternSingleByte(Encoding encoding) =>
        encoding.IsSingleByte && encoding.CodePage is 1252 or 28591 or 20127 or 1250 or 1251 or 1254 or 28592 or 28605;

    public static bool IsJapanese(Encoding encoding) => encoding.CodePage is Iso2022Jp or 50220 or 50222 or ShiftJis or EucJp or 20932;
}
