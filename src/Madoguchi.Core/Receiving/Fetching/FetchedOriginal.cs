using Madoguchi.Core.Storage;
using MimeKit;
using MimeKit.Utils;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>One original whose bytes are durable in the blob store, with where it came from, waiting for its commit.</summary>
public sealed record FetchedOriginal(BlobRef Blob, string? MessageId, string? Uidl = null, long? Uid = null);

internal static class MessageIdReader
{
    /// <summary>Reads only the header block for the Message-ID; never the body.</summary>
    public static string? Read(Stream stream)
    {
        try
        {
            var headers = Parsing.ThreadMimeParser.ParseHeaders(ParserOptions.Default, stream);
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
            messageId = Read(stream);
            stream.Position = start;
        }
        // Durable only after the batch's IBlobStore.SyncAsync, which FetchContext calls before it commits the rows.
        // A failure of the store for this message alone (not of reading from the server) is told apart, so the fetcher
        // can set this one message aside and go on with the others.
        var source = new ReadWatchingStream(stream);
        BlobRef blob;
        try
        {
            blob = await blobs.PutDeferredAsync(source, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && !source.ReadFailed)
        {
            throw new MessageStorageException(e);
        }
        if (!stream.CanSeek)
        {
            await using var stored = blobs.OpenRead(blob.Hash);
            messageId = Read(stored);
        }
        return new FetchedOriginal(blob, messageId, uidl, uid);
    }
}

/// <summary>The blob store could not take one fetched message (disk full, a path it may not write, an I/O error);
/// the message is set aside as a <see cref="ReceiveRetry"/> (<see cref="ReceiveErrorCode.MessageNotStored"/>) and the
/// others keep coming.</summary>
public sealed class MessageStorageException(Exception inner) : Exception("The original could not be written to the blob store: " + inner.Message, inner);

/// <summary>Passes reads through and notes whether one failed, so a failure of the source (the server connection)
/// is not taken for a failure of the blob store.</summary>
internal sealed class ReadWatchingStream(Stream inner) : Stream
{
    public bool ReadFailed { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch
        {
            ReadFailed = true;
            throw;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return inner.Read(buffer, offset, count);
        }
        catch
        {
            ReadFailed = true;
            throw;
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
