namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>MimeKit's header parser slows down quadratically with the number of folded lines in one header
/// (40,000 folds take several seconds), so a hostile or broken header could stall the pipeline. When the
/// top-level header block is folded that much, we unfold it first: removing CRLF before whitespace is exactly
/// what RFC 5322 unfolding does, so the meaning is unchanged.</summary>
internal static class HeaderBlockUnfolder
{
    // Real headers fold a few dozen times at most (long References, many recipients).
    private const int FoldLimit = 1000;

    public static ReadOnlyMemory<byte> UnfoldIfExcessive(ReadOnlyMemory<byte> raw)
    {
        var span = raw.Span;
        var end = HeaderBlockEnd(span);
        if (CountFolds(span[..end]) <= FoldLimit)
            return raw;

        var output = new byte[raw.Length];
        var n = 0;
        for (var i = 0; i < end; i++)
        {
            if (IsFold(span, i, out var skip))
            {
                i += skip - 1;
                continue;
            }

            output[n++] = span[i];
        }

        span[end..].CopyTo(output.AsSpan(n));
        return output.AsMemory(0, n + raw.Length - end);
    }

    /// <summary>Index just past the header block (the first empty line), or the end of the message.</summary>
    private static int HeaderBlockEnd(ReadOnlySpan<byte> span)
    {
        var crlf = span.IndexOf("\r\n\r\n"u8);
        var lf = span.IndexOf("\n\n"u8);
        return (crlf, lf) switch
        {
            ( < 0, < 0) => span.Length,
            ( < 0, _) => lf + 1,
            (_, < 0) => crlf + 2,
            _ => Math.Min(crlf + 2, lf + 1),
        };
    }

    private static int CountFolds(ReadOnlySpan<byte> block)
    {
        var folds = 0;
        for (var i = 0; i < block.Length; i++)
        {
            if (IsFold(block, i, out _))
                folds++;
        }

        return folds;
    }

    /// <summary>A line break followed by space or tab; <paramref name="length"/> is the break's byte count.</summary>
    private static bool IsFold(ReadOnlySpan<byte> span, int i, out int length)
    {
        length = span[i] == '\r' && i + 1 < span.Length && span[i + 1] == '\n' ? 2 : span[i] == '\n' ? 1 : 0;
        return length > 0 && i + length < span.Length && span[i + length] is (byte)' ' or (byte)'\t';
    }
}
