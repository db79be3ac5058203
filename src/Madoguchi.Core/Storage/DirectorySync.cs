using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Madoguchi.Core.Storage;

/// <summary>fsync(2) on a directory, which .NET's file APIs cannot open, syncfs(2), and rename(2) that never falls back
/// to a copy. Linux only.</summary>
internal static partial class DirectorySync
{
    /// <summary>The only flag passed to open(2): O_RDONLY, which is 0 on every Linux architecture. O_DIRECTORY is not
    /// used because its number differs between architectures (0x10000 on x86/x64, 0x4000 on arm/arm64, where 0x10000
    /// means O_DIRECT); Linux lets a directory be opened read-only and fsynced without it (PostgreSQL's fsync_fname does
    /// the same). That the path is a directory is checked before opening instead.</summary>
    internal const int OpenFlags = 0;

    public static void Fsync(string folder)
    {
        var fd = OpenDirectory(folder, "to make its entries durable");
        try
        {
            if (FsyncFd(fd) != 0)
                throw new Win32Exception(Marshal.GetLastPInvokeError(), $"fsync of folder {folder} failed.");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Flushes everything written to the file system that holds <paramref name="folder"/>.</summary>
    public static void SyncFileSystem(string folder)
    {
        var fd = OpenDirectory(folder, "to flush its file system");
        try
        {
            if (SyncFs(fd) != 0)
                throw new Win32Exception(Marshal.GetLastPInvokeError(), $"syncfs of the file system holding {folder} failed.");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>rename(2): atomic replace within one file system. Unlike File.Move it fails (EXDEV) instead of copying
    /// when the two paths are on different file systems, so a temporary file flushed by syncfs on one file system can
    /// never silently become an unflushed copy on another.</summary>
    public static void Rename(string from, string to)
    {
        if (RenameFile(from, to) != 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"rename of {from} to {to} failed.");
    }

    private static int OpenDirectory(string folder, string purpose)
    {
        if (!System.IO.Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Cannot open folder {folder} {purpose}: it is not a folder.");
        var fd = Open(folder, OpenFlags);
        if (fd < 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"Cannot open folder {folder} {purpose}.");
        return fd;
    }

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncFd(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameFile(string from, string to);
}
