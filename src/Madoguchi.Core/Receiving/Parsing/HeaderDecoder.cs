using System.Text;

namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>Decodes raw header bytes (as they were on the wire) into text: RFC 2047 encoded-words with
/// <see cref="EncodedWordRepair"/>, and raw 8-bit or raw JIS bytes with a charset detected for this
/// header alone (one message can carry Shift_JIS in one header and UTF-8 in the next).</summary>
internal static class HeaderDecoder
{
    /// <summary>An unstructured value such as Subject or a file name.</summary>
    public static string DecodeText(ReadOnlySpan<byte> raw)
    {
        var text = Decode(raw, structured: false);
        return text.Replace('\t', ' ').Trim();
    }

    /// <summary>A structured value (address lists): decoded words are re-quoted so that a decoded comma
    /// or quote cannot change the structure a later parser sees.</summary>
    public static string DecodeStructured(ReadOnlySpan<byte> raw) => Decode(raw, structured: true);

    private static string Decode(ReadOnlySpan<byte> raw, bool structured)
    {
        var value = Unfold(raw);
        var segments = EncodedWordScanner.Scan(value);
        var plainEncoding = ChoosePlainEncoding(value, segments);
        var output = new StringBuilder(value.Length);
        var inQuotes = false;

        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            if (!segment.IsWord)
            {
                // RFC 2047: whitespace between two encoded-words is not part of the text.
                if (IsBetweenWords(value, segments, i))
                    continue;

                var text = plainEncoding.GetString(value[segment.Start..segment.End]);
                if (structured)
                    inQuotes = TrackQuotes(text, inQuotes);
                output.Append(text);
                continue;
            }

            var repair = new EncodedWordRepair(segment.Charset!);
            repair.Add(value, segment);
            while (i + 1 < segments.Count)
            {
                var next = segments[i + 1];
                if (next.IsWord && repair.Accepts(next))
                {
                    repair.Add(value, next);
                    i++;
                }
                else if (IsBetweenWords(value, segments, i + 1) && repair.Accepts(segments[i + 2]))
                {
                    i++;
                }
                else
                {
                    break;
                }
            }

            var decoded = repair.Decode();
            output.Append(structured ? Quote(decoded, inQuotes) : decoded);
        }

        return output.ToString();
    }

    private static byte[] Unfold(ReadOnlySpan<byte> raw)
    {
        var result = new byte[raw.Length];
        var n = 0;
        foreach (var b in raw)
        {
            if (b is not ((byte)'\r' or (byte)'\n'))
                result[n++] = b;
        }

        return result[..n];
    }

    private static bool IsBetweenWords(ReadOnlySpan<byte> value, List<HeaderSegment> segments, int i) =>
        i > 0 && i + 1 < segments.Count && segments[i - 1].IsWord && segments[i + 1].IsWord && !segments[i].IsWord
        && value[segments[i].Start..segments[i].End].IndexOfAnyExcept((byte)' ', (byte)'\t') < 0;

    /// <summary>All plain parts of one header are judged together: more bytes, a surer guess.</summary>
    private static Encoding ChoosePlainEncoding(ReadOnlySpan<byte> value, List<HeaderSegment> segments)
    {
        var plain = new List<byte>(value.Length);
        foreach (var segment in segments)
        {
            if (!segment.IsWord)
                plain.AddRange(value[segment.Start..segment.End]);
        }

        return TextDecoder.Choose(plain.ToArray(), declared: null);
    }

    private static bool TrackQuotes(string text, bool inQuotes)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && inQuotes)
                i++;
            else if (text[i] == '"')
                inQuotes = !inQuotes;
        }

        return inQuotes;
    }

    private static string Quote(string decoded, bool inQuotes)
    {
        var escaped = decoded.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        return inQuotes ? escaped : "\"" + escaped + "\"";
    }
}
