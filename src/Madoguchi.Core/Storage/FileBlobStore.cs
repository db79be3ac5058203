using System.Buffers;
using System.Security.Cryptography;
using Madoguchi.Core.Data;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Storage;

/// <summary>Blobs as files under <c>{data}/blobs/ab/cd/abcd…</c>. A blob's bytes are durable before its name is: written
/// to <c>blobs/tmp</c>, flushed, renamed into place, and the rename flushed, so a power cut leaves at the address either
/// the whole blob or nothing. A file already at an address is trusted only when its size and SHA-256 match; otherwise
/// it is rewritten. Same bytes, same file: a blob written twice is stored once. See Storage/README.md.</summary>
public sealed class FileBlobStore(IOptions<StorageLocationOptions> location) : IBlobStore
{
    private const int BufferSize = 81920;

    private readonly string _root = Path.Combine(location.Value.FullDataDirectory, "blobs");

    /// <summary>Deferred writes waiting for <see cref="SyncAsync"/>: hash → temporary file. An entry leaves only after
    /// its rename, so readers always find the bytes in one of the two places.</summary>
    private readonly Dictionary<string, string> _pending = new(StringComparer.Ordinal);
    private readonly Lock _pendingLock = new();

    /// <summary>One sync at a time: a caller whose blobs another sync took waits until they are durable at their address.</summary>
    private readonly SemaphoreSlim _sync = new(1, 1);

    private string TempFolder => Path.Combine(_root, "tmp");

    public async Task<BlobRef> PutAsync(ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        var path = PathOf(hash);
        if (!IsPending(hash) && IsIntact(hash, content.Length))
        {
            // Its folder entry may come from a rename not flushed yet (a sync running right now).
            FsyncDirectory(Path.GetDirectoryName(path)!);
            return new BlobRef(hash, content.Length);
        }
        try
        {
            var temp = TempPath();
            await using (var file = OpenTemp(temp))
            {
                file.Write(content.Span);
                file.Flush(flushToDisk: true);
            }
            return Commit(temp, path, hash, content.Length);
        }
        catch (Exception e) when (IsStorageFault(e))
        {
            throw new BlobStorageException(e);
        }
    }

    public async Task<BlobRef> PutAsync(Stream content, CancellationToken ct)
    {
        var (temp, hash, size) = await WriteTempAsync(content, flush: true, ct);
        var path = PathOf(hash);
        try
        {
            if (!IsPending(hash) && IsIntact(hash, size))
            {
                File.Delete(temp);
                FsyncDirectory(Path.GetDirectoryName(path)!);
                return new BlobRef(hash, size);
            }
            return Commit(temp, path, hash, size);
        }
        catch (Exception e) when (IsStorageFault(e))
        {
            throw new BlobStorageException(e);
        }
    }

    public async Task<BlobRef> PutDeferredAsync(Stream content, CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux())
            return await PutAsync(content, ct);
        var (temp, hash, size) = await WriteTempAsync(content, flush: false, ct);
        if (IsPending(hash) || IsIntact(hash, size) || !TryAddPending(hash, temp))
            File.Delete(temp);
        return new BlobRef(hash, size);
    }

    /// <summary>Writes the temporary file without flushing it; on Linux <see cref="SyncAsync"/> then flushes every waiting
    /// file at once with syncfs(2), renames them into place and flushes the renames with a second syncfs. Elsewhere (no
    /// syncfs) it is simply the durable write.</summary>
    public async Task<BlobRef> PutDeferredAsync(ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux())
            return await PutAsync(content, ct);
        var hash = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        if (IsPending(hash) || IsIntact(hash, content.Length))
            return new BlobRef(hash, content.Length);
        try
        {
            var temp = TempPath();
            await using (var file = OpenTemp(temp))
                file.Write(content.Span);
            if (!TryAddPending(hash, temp))
                File.Delete(temp);
        }
        catch (Exception e) when (IsStorageFault(e))
        {
            throw new BlobStorageException(e);
        }
        return new BlobRef(hash, content.Length);
    }

    /// <summary>syncfs(2) on the temporary folder writes back every waiting file's bytes; only then are they renamed into
    /// their addresses (rename(2), which fails rather than copy across file systems, so the renamed file is the one that
    /// was flushed); a second syncfs makes the renames durable. syncfs reports write-back errors since Linux 5.8.</summary>
    public async Task SyncAsync(CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux())
            return;
        await _sync.WaitAsync(ct);
        try
        {
            List<KeyValuePair<string, string>> batch;
            lock (_pendingLock)
                batch = [.. _pending];
            if (batch.Count == 0)
                return;
            DirectorySync.SyncFileSystem(TempFolder);
            foreach (var (hash, temp) in batch)
            {
                var path = PathOf(hash);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                // Gone only when an earlier sync renamed it and then failed before its second flush (this one makes it durable).
                if (File.Exists(temp))
                    DirectorySync.Rename(temp, path);
            }
            DirectorySync.SyncFileSystem(TempFolder);
            lock (_pendingLock)
            {
                foreach (var (hash, temp) in batch)
                    if (_pending.TryGetValue(hash, out var current) && current == temp)
                        _pending.Remove(hash);
            }
        }
        catch (Exception e) when (IsStorageFault(e))
        {
            throw new BlobStorageException(e);
        }
        finally
        {
            _sync.Release();
        }
    }

    public Stream OpenRead(string hash)
    {
        var path = PathOf(hash);
        string? temp;
        lock (_pendingLock)
            temp = _pending.GetValueOrDefault(hash);
        if (temp is not null)
        {
            try
            {
                return OpenFile(temp);
            }
            catch (FileNotFoundException)
            {
                // Renamed into place in the meantime.
            }
        }
        return OpenFile(path);
    }

    public bool Exists(string hash) => IsPending(hash) || File.Exists(PathOf(hash));

    public Task<BlobCondition> CheckAsync(string hash, long size, bool verifyContent, CancellationToken ct) =>
        Task.FromResult(Check(hash, size, verifyContent));

    /// <summary>Synchronous reads: blobs are mostly small, where a plain sequential read is faster than async file I/O.</summary>
    private BlobCondition Check(string hash, long size, bool verifyContent)
    {
        var file = new FileInfo(PathOf(hash));
        if (!file.Exists)
            return BlobCondition.Missing;
        if (file.Length != size)
            return BlobCondition.WrongSize;
        if (!verifyContent)
            return BlobCondition.Intact;
        try
        {
            using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
            var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            return actual == hash ? BlobCondition.Intact : BlobCondition.WrongContent;
        }
        catch (FileNotFoundException)
        {
            return BlobCondition.Missing;
        }
    }

    public Task DeleteAsync(string hash, CancellationToken ct)
    {
        File.Delete(PathOf(hash));
        return Task.CompletedTask;
    }

    /// <summary>Whether the file at an address can stand for the blob. Size always (a stat); content by hashing the file
    /// when the size matches. Hashing reads what writing would have written, so it never costs more than the write it
    /// saves, and only this catches a file of the right size whose blocks a power cut left zero-filled.</summary>
    private bool IsIntact(string hash, long size) => Check(hash, size, verifyContent: true) == BlobCondition.Intact;

    private bool IsPending(string hash)
    {
        lock (_pendingLock)
            return _pending.ContainsKey(hash);
    }

    private bool TryAddPending(string hash, string temp)
    {
        lock (_pendingLock)
            return _pending.TryAdd(hash, temp);
    }

    private async Task<(string Temp, string Hash, long Size)> WriteTempAsync(Stream content, bool flush, CancellationToken ct)
    {
        var temp = TempPath();
        // Only the writing side is a storage fault: what reading the source throws (a dropped connection) stays as it is.
        var reading = false;
        try
        {
            await using var file = OpenTemp(temp);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            // A pooled buffer: a fresh 80 KB array per original (most are far smaller) was a large share of all allocation.
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                while (true)
                {
                    reading = true;
                    var read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), ct);
                    reading = false;
                    if (read == 0)
                        break;
                    sha.AppendData(buffer, 0, read);
                    file.Write(buffer, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            if (flush)
                file.Flush(flushToDisk: true);
            return (temp, Convert.ToHexStringLower(sha.GetHashAndReset()), file.Length);
        }
        catch (Exception e) when (!reading && IsStorageFault(e))
        {
            throw new BlobStorageException(e);
        }
    }

    /// <summary>Failures of the data folder itself (I/O, permissions, the syscalls of <see cref="DirectorySync"/>).</summary>
    private static bool IsStorageFault(Exception e) =>
        e is (IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception) and not BlobStorageException;

    /// <summary>The bytes were flushed by the caller: rename, then flush the folder entry.</summary>
    private static BlobRef Commit(string temp, string path, string hash, long size)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        if (OperatingSystem.IsLinux())
            DirectorySync.Rename(temp, path);
        else
            File.Move(temp, path, overwrite: true);
        FsyncDirectory(folder);
        return new BlobRef(hash, size);
    }

    /// <summary>Unbuffered (buffer size 0): readers read whole blobs or use their own buffers, and FileStream's own 80 KB
    /// buffer per opened blob was garbage for the collector on every read.</summary>
    private static FileStream OpenFile(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, useAsync: true);

    /// <summary>Unbuffered, written with plain synchronous writes: the bytes go to the page cache (durable only at the
    /// flush or sync), where an asynchronous write on Linux would only hand the same call to another thread.</summary>
    private FileStream OpenTemp(string temp)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
        return new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, useAsync: false);
    }

    private string TempPath() => Path.Combine(TempFolder, Guid.NewGuid().ToString("N"));

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
