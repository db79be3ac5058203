using MimeKit;

namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>Gets the decoded bytes of a leaf part and notices damaged base64 (MimeKit silently skips bad
/// characters, which is right for reading but must not go unmentioned).</summary>
internal static class ContentReader
{
    public static byte[] Decode(MimePart part, List<string> problems)
    {
        if (part.Content is null)
            return [];

        using var decoded = new MemoryStream();
        part.Content.DecodeTo(decoded);

        if (part.Content.Encoding == ContentEncoding.Base64 && part.Content.Stream is { CanSeek: true } raw && !IsCleanBase64(raw))
            problems.Add("Some base64-encoded content is damaged, so part of an attachment or body may be wrong.");

        return decoded.ToArray();
    }

    private static bool IsCleanBase64(Stream encoded)
    {
        var start = encoded.Position;
        try
        {
            encoded.Position = 0;
            return ScanBase64(encoded);
        }
        finally
        {
            encoded.Position = start;
        }
    }

    private static bool ScanBase64(Stream encoded)
    {
        var padding = false;
        var buffer = new byte[8192];
        int n;
        while ((n = encoded.Read(buffer, 0, buffer.Length)) > 0)
        {
            foreach (var b in buffer.AsSpan(0, n))
            {
                if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                    continue;
                if (b == '=')
                {
                    padding = true;
                    continue;
                }

                // Data after padding, or a byte outside the alphabet.
                if (padding || !(b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'/'))
                    return false;
            }
        }

        return true;
    }
}
