using System.Security.Cryptography;
using Madoguchi.Core.Data;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Storage;

/// <summary>Blobs as files under <c>{data}/blobs/ab/cd/abcd…</c>. Written to a temporary file, fsynced, renamed into
/// place and the folder fsynced, so a crash leaves either the whole blob or nothing. Same bytes, same file: a blob written twice is stored once.</summary>
public sealed class FileBlobStore(IOptions<StorageLocationOptions> location) : IBlobStore
{
    private readonly string _root = Path.Combine(location.Value.FullDataDirectory, "blobs");
    private long _deferredWrites;

    public async Task<BlobRef> PutAsync(ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        var path = PathOf(hash);
        if (File.Exists(path))
        {
            // The file may come from a deferred write not yet flushed; the caller is promised durable bytes.
            if (Interlocked.Read(ref _deferredWrites) > 0)
                SyncFileSystem();
            return new BlobRef(hash, content.Length);
        }
        var temp = TempPath();
        await using (var file = OpenTemp(temp))
        {
            await file.WriteAsync(content, ct);
            file.Flush(flushToDisk: true);
        }
        return Commit(temp, path, hash, content.Length);
    }

    public async Task<BlobRef> PutAsync(Stream content, CancellationToken ct)
    {
        var (temp, hash, size) = await WriteTempAsync(content, flush: true, ct);
        var path = PathOf(hash);
        if (File.Exists(path))
        {
            File.Delete(temp);
            if (Interlocked.Read(ref _deferredWrites) > 0)
                SyncFileSystem();
            return new BlobRef(hash, size);
        }
        return Commit(temp, path, hash, size);
    }

    public async Task<BlobRef> PutDeferredAsync(Stream content, CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux())
            return await PutAsync(content, ct);
        Interlocked.Increment(ref _deferredWrites);
        var (temp, hash, size) = await WriteTempAsync(content, flush: false, ct);
        var path = PathOf(hash);
        if (File.Exists(path))
        {
            File.Delete(temp);
            return new BlobRef(hash, size);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Move(temp, path, overwrite: true);
        return new BlobRef(hash, size);
    }

    private async Task<(string Temp, string Hash, long Size)> WriteTempAsync(Stream content, bool flush, CancellationToken ct)
    {
        var temp = TempPath();
        await using var file = OpenTemp(temp);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(buffer, ct)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            await file.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        if (flush)
            file.Flush(flushToDisk: true);
        return (temp, Convert.ToHexStringLower(sha.GetHashAndReset()), file.Length);
    }

    /// <summary>Same temporary file and rename as <see cref="PutAsync(ReadOnlyMemory{byte}, CancellationToken)"/>, without
    /// the file and folder fsyncs; on Linux <see cref="SyncAsync"/> flushes them all at once with syncfs(2). Elsewhere
    /// (no syncfs) it is simply the durable write.</summary>
    public async Task<BlobRef> PutDeferredAsync(ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux())
            return await PutAsync(content, ct);
        var hash = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        var path = PathOf(hash);
        Interlocked.Increment(ref _deferredWrites);
        if (File.Exists(path))
            return new BlobRef(hash, content.Length);
        var temp = TempPath();
        await using (var file = OpenTemp(temp))
            await file.WriteAsync(content, ct);
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        File.Move(temp, path, overwrite: true);
        return new BlobRef(hash, content.Length);
    }

    public Task SyncAsync(CancellationToken ct)
    {
        if (OperatingSystem.IsLinux() && Interlocked.Read(ref _deferredWrites) > 0)
            SyncFileSystem();
        return Task.CompletedTask;
    }

    /// <summary>syncfs(2) writes back every file and folder entry of the blob store's file system in one call (what
    /// PostgreSQL's recovery_init_sync_method=syncfs relies on), and reports write-back errors since Linux 5.8.</summary>
    private void SyncFileSystem()
    {
        if (OperatingSystem.IsLinux())
            DirectorySync.SyncFileSystem(_root);
    }

    public Stream OpenRead(string hash) => new FileStream(PathOf(hash), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);

    public bool Exists(string hash) => File.Exists(PathOf(hash));

    public Task DeleteAsync(string hash, CancellationToken ct)
    {
        File.Delete(PathOf(hash));
        return Task.CompletedTask;
    }

    private BlobRef Commit(string temp, string path, string hash, long size)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        File.Move(temp, path, overwrite: true);
        FsyncDirectory(folder);
        return new BlobRef(hash, size);
    }

    private FileStream OpenTemp(string temp)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
        return new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
    }

    private string TempPath() => Path.Combine(_root, "tmp", Guid.NewGuid().ToString("N"));

    private string PathOf(string hash)
    {
        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException("Not a blob hash.", nameof(hash));
        return Path.Combine(_root, hash[..2], hash[2..4], hash);
    }

    /// <summary>The rename is durable only once the folder's entry is on disk too.</summary>
    private static void FsyncDirectory(string folder)
    {
        if (!OperatingSystem.IsLinux())
            return;
        DirectorySync.Fsync(folder);
    }
}
