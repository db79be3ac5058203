using System.Buffers;
using System.Runtime.InteropServices;

namespace Madoguchi.Core.Bounces.Analysis;

/// <summary>Reads a whole small file with open(2), read(2) and close(2) alone. .NET's own file handle costs three more
/// system calls per file (fstat twice, flock to lock and again to unlock), which for a folder of small mails was a fifth
/// of the whole analysis (bench/README.md, bounce analysis). Linux only; anywhere else, or on any error, the caller reads
/// the file the portable way, which also reports the error.</summary>
internal static partial class FileReader
{
    /// <summary>Most mails fit: one read fills the buffer with the whole file and the next returns 0.</summary>
    public const int FirstRead = 64 * 1024;

    /// <summary>O_RDONLY | O_CLOEXEC: the same numbers on every Linux architecture .NET runs on.</summary>
    private const int OpenFlags = 0x80000;

    private const int EINTR = 4;

    /// <summary>The file's length, its bytes in <paramref name="buffer"/> (replaced by a larger rented one when needed), or
    /// null when it could not be read this way.</summary>
    public static int? TryReadAll(string path, ref byte[] buffer)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        int fd;
        do
            fd = Open(path, OpenFlags);
        while (fd < 0 && Marshal.GetLastPInvokeError() == EINTR);
        if (fd < 0)
            return null;
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= Array.MaxLength / 2)
                        return null;
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var n = Read(fd, ref buffer[length], buffer.Length - length);
                if (n == 0)
                    return length;
                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == EINTR)
                        continue;
                    // A folder, or an error: the portable way says which.
                    return null;
                }
                length += (int)n;
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
