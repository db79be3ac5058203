namespace Madoguchi.Core.Storage;

/// <summary>A stored blob: its SHA-256 (lower-case hex, also its address) and its size in bytes.</summary>
public sealed record BlobRef(string Hash, long Size);

/// <summary>Content-addressed storage of original messages and other large bytes.
/// <see cref="PutAsync"/> returns only once the bytes are durable (fsynced), so a database row may point at them.</summary>
public interface IBlobStore
{
    Task<BlobRef> PutAsync(Stream content, CancellationToken ct);

    Task<BlobRef> PutAsync(ReadOnlyMemory<byte> content, CancellationToken ct);

    /// <summary>Writes a blob without waiting for the disk: it is durable only once <see cref="SyncAsync"/> has returned.
    /// For writers of many blobs at once (the inbound pipeline's attachments), which then pay one flush instead of two per blob.</summary>
    Task<BlobRef> PutDeferredAsync(ReadOnlyMemory<byte> content, CancellationToken ct);

    /// <summary>The streaming form of <see cref="PutDeferredAsync(ReadOnlyMemory{byte}, CancellationToken)"/>, for fetched originals.</summary>
    Task<BlobRef> PutDeferredAsync(Stream content, CancellationToken ct);

    /// <summary>Makes every blob written so far with <see cref="PutDeferredAsync"/> durable.</summary>
    Task SyncAsync(CancellationToken ct);

    /// <summary>Opens a blob for reading; throws <see cref="FileNotFoundException"/> when it does not exist.</summary>
    Stream OpenRead(string hash);

    bool Exists(string hash);

    Task DeleteAsync(string hash, CancellationToken ct);
}
