using System.Globalization;
using System.Text;

namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>Finds and decodes an attachment's file name from the raw Content-Disposition "filename" or,
/// failing that, the Content-Type "name": RFC 2231 (with continuations), encoded-words (even inside
/// quotes or split across continuations) and raw 8-bit names.</summary>
internal static class AttachmentNameDecoder
{
    public static string? Decode(ReadOnlySpan<byte> rawDisposition, ReadOnlySpan<byte> rawContentType)
    {
        var name = FromParameters(HeaderParameters.Parse(rawDisposition), "filename")
            ?? FromParameters(HeaderParameters.Parse(rawContentType), "name");
        return Clean(name);
    }

    private static string? FromParameters(List<HeaderParameter> parameters, string name)
    {
        // RFC 2231 wins over the plain form when a mailer sends both.
        var extended = parameters.Find(p => p.Name.Equals(name + "*", StringComparison.OrdinalIgnoreCase));
        if (extended.Name is not null)
            return DecodeExtended(extended.Value, [], true);

        var pieces = Continuations(parameters, name);
        if (pieces.Count > 0)
        {
            var first = pieces[0];
            return DecodeExtended(first.Value, pieces.Skip(1).ToList(), first.Encoded);
        }

        var plain = parameters.Find(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
        return plain.Name is null ? null : HeaderDecoder.DecodeText(plain.Value);
    }

    private readonly record struct Piece(int Index, byte[] Value, bool Encoded);

    private static List<Piece> Continuations(List<HeaderParameter> parameters, string name)
    {
        var pieces = new List<Piece>();
        var prefix = name + "*";
        foreach (var p in parameters)
        {
            if (!p.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                continue;

            var rest = p.Name[prefix.Length..];
            var encoded = rest.EndsWith('*');
            if (int.TryParse(encoded ? rest[..^1] : rest, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                pieces.Add(new Piece(index, p.Value, encoded));
        }

        pieces.Sort((a, b) => a.Index.CompareTo(b.Index));
        return pieces;
    }

    /// <summary>charset'language'percent-encoded bytes, followed by further pieces (encoded or not).</summary>
    private static string DecodeExtended(byte[] first, List<Piece> rest, bool firstEncoded)
    {
        string? charset = null;
        var body = first.AsSpan();
        if (firstEncoded)
        {
            var q1 = body.IndexOf((byte)'\'');
            var q2 = q1 < 0 ? -1 : body[(q1 + 1)..].IndexOf((byte)'\'');
            if (q2 >= 0)
            {
                charset = Encoding.ASCII.GetString(body[..q1]);
                body = body[(q1 + 1 + q2 + 1)..];
            }
        }

        // Encoded pieces are joined before percent-decoding: some mailers cut a "%XX" across two pieces.
        var bytes = new List<byte>();
        var encoded = new List<byte>();
        (firstEncoded ? encoded : bytes).AddRange(body);
        foreach (var piece in rest)
        {
            if (piece.Encoded)
            {
                encoded.AddRange(piece.Value);
                continue;
            }

            PercentDecode(encoded.ToArray(), bytes);
            encoded.Clear();
            bytes.AddRange(piece.Value);
        }

        PercentDecode(encoded.ToArray(), bytes);
        var all = bytes.ToArray();
        // Without a declared charset the pieces may still hold encoded-words or raw 8-bit text.
        return string.IsNullOrEmpty(charset) ? HeaderDecoder.DecodeText(all) : TextDecoder.Decode(all, charset);
    }

    private static void PercentDecode(ReadOnlySpan<byte> text, List<byte> output)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && Uri.IsHexDigit((char)text[i + 1]) && Uri.IsHexDigit((char)text[i + 2]))
            {
                output.Add((byte)((Uri.FromHex((char)text[i + 1]) << 4) | Uri.FromHex((char)text[i + 2])));
                i += 2;
            }
            else
            {
                output.Add(text[i]);
            }
        }
    }

    /// <summary>Keeps the last path segment (Windows mailers send full paths) and drops control characters.</summary>
    private static string? Clean(string? name)
    {
        if (name is null)
            return null;

        var slash = name.LastIndexOfAny(['/', '\\']);
        if (slash >= 0 && slash < name.Length - 1)
            name = name[(slash + 1)..];

        var cleaned = new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return cleaned.Length == 0 ? null : cleaned;
    }
}
