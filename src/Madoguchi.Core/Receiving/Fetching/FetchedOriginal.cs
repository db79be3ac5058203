using Madoguchi.Core.Storage;
using MimeKit;
using MimeKit.Utils;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>One original whose bytes are durable in the blob store, with where it came from, waiting for its commit.</summary>
public sealed record FetchedOriginal(BlobRef Blob, string? MessageId, string? Uidl = null, long? Uid = null);

internal static class MessageIdReader
{
    /// <summary>Reads only the header block for the Message-ID; never the body.</summary>
    public static async Task<string?> ReadAsync(Stream stream, CancellationToken ct)
    {
        try
        {
            var parser = new MimeParser(stream, MimeFormat.Entity);
            var headers = await parser.ParseHeadersAsync(ct);
            var value = headers[HeaderId.MessageId];
            if (string.IsNullOrWhiteSpace(value))
                return null;
            var id = Parsing.StorableText.Clean(MimeUtils.EnumerateReferences(value).FirstOrDefault() ?? value.Trim().Trim('<', '>'));
            return id.Length > 998 ? id[..998] : id;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static async Task<FetchedOriginal> StoreAsync(IBlobStore blobs, Stream stream, string? uidl, long? uid, CancellationToken ct)
    {
        string? messageId = null;
        if (stream.CanSeek)
        {
            var start = stream.Position;
            messageId = await ReadAsync(stream, ct);
            stream.Position = start;
        }
        // Durable only after the batch's IBlobStore.SyncAsync, which FetchContext calls before it commits the rows.
        var blob = await blobs.PutDeferredAsync(stream, ct);
        if (!stream.CanSeek)
        {
            await using var stored = blobs.OpenRead(blob.Hash);
            messageId = await ReadAsync(stored, ct);
        }
        return new FetchedOriginal(blob, messageId, uidl, uid);
    }
}
