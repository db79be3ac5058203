using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Madoguchi.Core.Storage;

/// <summary>fsync(2) on a directory, which .NET's file APIs cannot open, and syncfs(2). Linux only.</summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000;

    public static void Fsync(string folder)
    {
        var fd = Open(folder, ReadOnly | Directory);
        if (fd < 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"Cannot open folder {folder} to make its entries durable.");
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
        var fd = Open(folder, ReadOnly | Directory);
        if (fd < 0)
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"Cannot open folder {folder} to flush its file system.");
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

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncFd(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
