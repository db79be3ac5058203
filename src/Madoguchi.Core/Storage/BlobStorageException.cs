namespace Madoguchi.Core.Storage;

/// <summary>Writing, flushing or renaming a blob in the data folder failed: a local storage problem, never the network.
/// Receiving maps it to <c>storage_failed</c>; <see cref="Errno"/> names the cause without the file system's message.</summary>
public sealed class BlobStorageException(Exception inner) : IOException("Writing to the blob store failed.", inner)
{
    /// <summary>The operating system's error number, when known (Unix errno; .NET keeps it in HResult for I/O errors).</summary>
    public int? Errno { get; } = inner switch
    {
        System.ComponentModel.Win32Exception w => w.NativeErrorCode,
        IOException io when io.HResult is > 0 and < 4096 => io.HResult,
        _ => null,
    };

    /// <summary>Our short words for the cause.</summary>
    public string Summary => Errno switch
    {
        28 => "no space left on the disk (ENOSPC)",
        122 => "disk quota exceeded (EDQUOT)",
        30 => "the file system is read-only (EROFS)",
        5 => "input/output error from the disk (EIO)",
        13 or 1 => "permission denied in the data folder",
        { } n => $"file system error {n}",
        _ => $"file system error ({InnerException?.GetType().Name})",
    };
}
