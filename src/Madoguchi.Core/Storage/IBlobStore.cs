namespace Madoguchi.Core.Storage;

/// <summary>A stored blob: its SHA-256 (lower-case hex, also its address) and its size in bytes.</summary>
public sealed record BlobRef(string Hash, long Size);

/// <summary>What is at a blob's address compared with what should be there.</summary>
public enum BlobCondition
{
    Intact,
    Missing,

    /// <summary>The file is shorter or longer than the blob (a power cut can leave a truncated or empty file).</summary>
    WrongSize,

    /// <summary>Right size, other bytes (for example blocks a power cut left zero-filled).</summary>
    WrongContent,
}

/// <summary>Content-addressed storage of original messages and other large bytes.
/// <see cref="PutAsync"/> returns only once the bytes are durable (fsynced), so a database row may point at them.
/// A file already at a blob's address is used only when its size and content match; otherwise it is rewritten.</summary>
public interface IBlobStore
{
    Task<BlobRef> PutAsync(Stream content, CancellationToken ct);

    Task<BlobRef> PutAsync(ReadOnlyMemory<byte> content, CancellationToken ct);

    /// <summary>Writes a blob without waiting for the disk: it is durable (and at its address) only once
    /// <see cref="SyncAsync"/> has returned; until then <see cref="OpenRead"/> reads it from where it waits.
    /// For writers of many blobs at once (the fetcher, the inbound pipeline's attachments), which then pay two flushes
    /// per batch instead of two per blob.</summary>
    Task<BlobRef> PutDeferredAsync(ReadOnlyMemory<byte> content, CancellationToken ct);

    /// <summary>The streaming form of <see cref="PutDeferredAsync(ReadOnlyMemory{byte}, CancellationToken)"/>, for fetched originals.</summary>
    Task<BlobRef> PutDeferredAsync(Stream content, CancellationToken ct);

    /// <summary>Makes every blob written so far with <see cref="PutDeferredAsync"/> durable at its address.</summary>
    Task SyncAsync(CancellationToken ct);

    /// <summary>Opens a blob for reading; throws <see cref="FileNotFoundException"/> when it does not exist.</summary>
    Stream OpenRead(string hash);

    bool Exists(string hash);

    /// <summary>Whether the blob is at its address with <paramref name="size"/> bytes (a stat), and with
    /// <paramref name="verifyContent"/> also whether its bytes hash to <paramref name="hash"/> (reads the whole file).</summary>
    Task<BlobCondition> CheckAsync(string hash, long size, bool verifyContent, CancellationToken ct);

    Task DeleteAsync(string hash, CancellationToken ct);
}
