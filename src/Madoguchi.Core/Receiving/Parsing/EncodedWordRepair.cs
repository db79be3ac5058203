namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>Decodes a run of adjacent encoded-words that share a charset as one byte string. Japanese
/// mailers split words in the middle of a multibyte character, an ISO-2022-JP escape sequence or even a
/// base64 quantum, so decoding each word alone (as RFC 2047 says) loses characters.</summary>
internal sealed class EncodedWordRepair
{
    private readonly List<byte> _bytes = [];
    private readonly Base64Accumulator _base64 = new();

    public EncodedWordRepair(string charset) => Charset = charset;

    public string Charset { get; }

    public bool Accepts(HeaderSegment word) => SameCharset(Charset, word.Charset!);

    public void Add(ReadOnlySpan<byte> value, HeaderSegment word)
    {
        var text = value[word.TextStart..word.TextEnd];
        if (word.Encoding == 'B')
        {
            // Base64 text of consecutive words is one stream; padding ends a quantum.
            _base64.Append(text, _bytes);
            return;
        }

        _base64.Reset();
        DecodeQ(text, _bytes);
    }

    public string Decode()
    {
        _base64.Reset();
        return TextDecoder.Decode(_bytes.ToArray(), Charset);
    }

    private static bool SameCharset(string a, string b) =>
        string.Equals(WithoutLanguage(a), WithoutLanguage(b), StringComparison.OrdinalIgnoreCase);

    private static string WithoutLanguage(string charset)
    {
        var star = charset.IndexOf('*', StringComparison.Ordinal);
        return star < 0 ? charset : charset[..star];
    }

    private static void DecodeQ(ReadOnlySpan<byte> text, List<byte> output)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var b = text[i];
            if (b == '_')
            {
                output.Add((byte)' ');
            }
            else if (b == '=' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                output.Add((byte)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2])));
                i += 2;
            }
            else
            {
                output.Add(b);
            }
        }
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}

/// <summary>A forgiving base64 decoder: skips characters outside the alphabet, and treats '=' as the end
/// of the current quantum rather than of the whole stream.</summary>
internal sealed class Base64Accumulator
{
    private int _bits;
    private int _bitCount;

    public void Append(ReadOnlySpan<byte> text, List<byte> output)
    {
        foreach (var c in text)
        {
            if (c == '=')
            {
                Reset();
                continue;
            }

            var v = Value(c);
            if (v < 0)
                continue;

            _bits = (_bits << 6) | v;
            _bitCount += 6;
            if (_bitCount >= 8)
            {
                _bitCount -= 8;
                output.Add((byte)(_bits >> _bitCount));
                _bits &= (1 << _bitCount) - 1;
            }
        }
    }

    /// <summary>Drops the leftover bits of an incomplete quantum (they are padding, never data).</summary>
    public void Reset()
    {
        _bits = 0;
        _bitCount = 0;
    }

    private static int Value(byte c) => c switch
    {
        >= (byte)'A' and <= (byte)'Z' => c - 'A',
        >= (byte)'a' and <= (byte)'z' => c - 'a' + 26,
        >= (byte)'0' and <= (byte)'9' => c - '0' + 52,
        (byte)'+' or (byte)'-' => 62,
        (byte)'/' or (byte)'_' => 63,
        _ => -1,
    };
}
