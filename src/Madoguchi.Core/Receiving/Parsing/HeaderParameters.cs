namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>One parameter of a Content-Type or Content-Disposition header, value still as raw bytes.</summary>
internal readonly record struct HeaderParameter(string Name, byte[] Value);

/// <summary>Reads the parameters of a raw Content-Type / Content-Disposition value without decoding them,
/// so that file names can be decoded with the same charset repair as other headers.</summary>
internal static class HeaderParameters
{
    public static List<HeaderParameter> Parse(ReadOnlySpan<byte> raw)
    {
        var result = new List<HeaderParameter>();
        var p = SkipQuoted(raw, 0, (byte)';');
        while (p < raw.Length)
        {
            p = Skip(raw, p, static b => b is (byte)';' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n');
            var nameStart = p;
            while (p < raw.Length && raw[p] is not ((byte)'=' or (byte)';'))
                p++;

            var name = System.Text.Encoding.ASCII.GetString(raw[nameStart..p]).Trim();
            if (p >= raw.Length || raw[p] == ';')
                continue;

            p = Skip(raw, p + 1, static b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n');
            byte[] value;
            if (p < raw.Length && raw[p] == '"')
            {
                (value, p) = ReadQuoted(raw, p + 1);
            }
            else
            {
                var valueStart = p;
                while (p < raw.Length && raw[p] != ';')
                    p++;
                value = TrimUnfold(raw[valueStart..p]);
            }

            if (name.Length > 0)
                result.Add(new HeaderParameter(name, value));
        }

        return result;
    }

    private static int Skip(ReadOnlySpan<byte> raw, int p, Func<byte, bool> skip)
    {
        while (p < raw.Length && skip(raw[p]))
            p++;
        return p;
    }

    /// <summary>Index of the first <paramref name="stop"/> outside a quoted string (or the end).</summary>
    private static int SkipQuoted(ReadOnlySpan<byte> raw, int p, byte stop)
    {
        var inQuotes = false;
        for (; p < raw.Length; p++)
        {
            if (raw[p] == '"')
                inQuotes = !inQuotes;
            else if (raw[p] == stop && !inQuotes)
                return p;
        }

        return p;
    }

    /// <summary>A backslash escapes only '"' and '\', and never when it is the second byte of a Shift_JIS
    /// character (表, ソ, 能 … end in 0x5C and are sent raw by some mailers).</summary>
    private static (byte[] Value, int Next) ReadQuoted(ReadOnlySpan<byte> raw, int p)
    {
        var value = new List<byte>();
        while (p < raw.Length)
        {
            var b = raw[p];
            if (b == '"')
                return (value.ToArray(), p + 1);

            if (b == '\\' && p + 1 < raw.Length && raw[p + 1] is (byte)'"' or (byte)'\\' && !FollowsShiftJisLead(value))
            {
                value.Add(raw[p + 1]);
                p += 2;
                continue;
            }

            if (b is not ((byte)'\r' or (byte)'\n'))
                value.Add(b);
            p++;
        }

        return (value.ToArray(), p);
    }

    private static bool FollowsShiftJisLead(List<byte> value)
    {
        // Count the run of lead-capable bytes: an odd run means the backslash completes a character.
        var run = 0;
        for (var i = value.Count - 1; i >= 0 && value[i] is >= 0x81 and <= 0x9F or >= 0xE0 and <= 0xFC; i--)
            run++;
        return run % 2 == 1;
    }

    private static byte[] TrimUnfold(ReadOnlySpan<byte> raw)
    {
        var kept = new List<byte>(raw.Length);
        foreach (var b in raw)
        {
            if (b is not ((byte)'\r' or (byte)'\n'))
                kept.Add(b);
        }

        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(kept).Trim((byte)' ').Trim((byte)'\t');
        return span.ToArray();
    }
}
