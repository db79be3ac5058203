using System.Buffers;
using MimeKit;

namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>Gets the decoded bytes of a leaf part and notices damaged base64 (MimeKit silently skips bad
/// characters, which is right for reading but must not go unmentioned).</summary>
internal static class ContentReader
{
    private static readonly SearchValues<byte> Base64Text = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/ \t\r\n"u8);
    private static readonly SearchValues<byte> PaddingText = SearchValues.Create("= \t\r\n"u8);

    /// <summary>Larger parts (rare) are decoded into a stream of their own, so the pool is never left holding a buffer that
    /// large.</summary>
    private const int MaxPooled = 64 * 1024 * 1024;

    public static byte[] Decode(MimePart part, List<string> problems)
    {
        if (part.Content is null)
            return [];

        // Decoded content is never longer than encoded (base64, quoted-printable) or the same (7bit, 8bit, binary):
        // decoded into a pooled buffer of the encoded size, then copied once at its exact size. A buffer sized for the
        // encoded form and then trimmed made two large arrays per attachment, and large arrays are only freed by the
        // costliest collection.
        var encoded = part.Content.Stream is { CanSeek: true } s ? s.Length : 0;
        var bytes = encoded is > 0 and <= MaxPooled ? DecodePooled(part.Content, (int)encoded) : null;
        if (bytes is null)
        {
            using var decoded = new MemoryStream();
            part.Content.DecodeTo(decoded);
            bytes = decoded.ToArray();
        }

        if (part.Content.Encoding == ContentEncoding.Base64 && part.Content.Stream is { CanSeek: true } raw && !IsCleanBase64(raw))
            problems.Add("Some base64-encoded content is damaged, so part of an attachment or body may be wrong.");

        return bytes;
    }

    /// <summary>Null if the decoded form turned out longer than the encoded one (the caller decodes again, unbounded).</summary>
    private static byte[]? DecodePooled(IMimeContent content, int encoded)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(encoded);
        try
        {
            using var decoded = new MemoryStream(buffer, 0, buffer.Length, writable: true);
            content.DecodeTo(decoded);
            return buffer.AsSpan(0, (int)decoded.Position).ToArray();
        }
        catch (NotSupportedException)
        {
            // The fixed-size stream was full.
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
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

    /// <summary>Vectorized: only the alphabet and white space, then nothing but padding once padding starts.</summary>
    private static bool ScanBase64(Stream encoded)
    {
        var padding = false;
        var buffer = ArrayPool<byte>.Shared.Rent(16384);
        try
        {
            int n;
            while ((n = encoded.Read(buffer, 0, buffer.Length)) > 0)
            {
                var span = buffer.AsSpan(0, n);
                if (!padding)
                {
                    var other = span.IndexOfAnyExcept(Base64Text);
                    if (other < 0)
                        continue;
                    // A byte outside the alphabet.
                    if (span[other] != '=')
                        return false;
                    padding = true;
                    span = span[other..];
                }

                // Data after padding.
                if (span.IndexOfAnyExcept(PaddingText) >= 0)
                    return false;
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
