using System.Buffers;
using Madoguchi.Core.Receiving.Parsing;
using MimeKit;

namespace Madoguchi.Core.Bounces.Analysis;

public static partial class BounceAnalyzer
{
    /// <summary>What one thread reuses from one analysis to the next instead of allocating it per mail: the buffer parts
    /// are decoded into (the MIME parser is <see cref="ThreadMimeParser"/>'s). Analyses on one thread run one after the
    /// other, and each use below ends before the next begins.</summary>
    private sealed class Buffers
    {
        /// <summary>Buffers grown past this by a large mail are dropped after use rather than kept for the thread's life.</summary>
        private const int KeepAtMost = 1 << 20;

        [ThreadStatic]
        private static Buffers? _current;

        private MemoryStream _decoded = new();

        public static Buffers Current => _current ??= new Buffers();

        /// <summary>Hands the decoded bytes of <paramref name="write"/>'s output to <paramref name="read"/>; the bytes are
        /// valid only during the call.</summary>
        public T Decoded<T>(Action<Stream> write, Func<ReadOnlyMemory<byte>, T> read)
        {
            var buffer = _decoded;
            buffer.SetLength(0);
            write(buffer);
            var result = read(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            if (buffer.Capacity > KeepAtMost)
                _decoded = new MemoryStream();
            return result;
        }
    }

    /// <summary>Reads and analyses one mail file: the file is read once, into a rented buffer, and parsed in place.</summary>
    public static BounceReport AnalyzeFile(string path)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(FileReader.FirstRead);
        try
        {
            var length = FileReader.TryReadAll(path, ref buffer) ?? ReadWithDotNet(path, ref buffer);
            return AnalyzeInPlace(buffer, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The portable way (and the one that reports errors): .NET's file handle, which also takes an advisory lock
    /// and asks the file's size.</summary>
    private static int ReadWithDotNet(string path, ref byte[] buffer)
    {
        using var handle = File.OpenHandle(path);
        var length = RandomAccess.GetLength(handle);
        if (length > Array.MaxLength)
            throw new IOException($"file too large: {path}");
        if (buffer.Length < length)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = ArrayPool<byte>.Shared.Rent((int)length);
        }
        var read = 0;
        while (read < length)
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(read, (int)length - read), read);
            if (n == 0)
                break;
            read += n;
        }
        return read;
    }

    public static BounceReport Analyze(ReadOnlySpan<byte> original)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(original.Length);
        try
        {
            original.CopyTo(buffer);
            return AnalyzeInPlace(buffer, original.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Analyses the mail in <paramref name="buffer"/>[0..<paramref name="length"/>], which it may change: CR-only
    /// line ends (old Mac mail) become LF; an mbox "From " line in front is skipped. Persistent parsing: the parts'
    /// contents stay views of the buffer instead of being copied out of it, so the buffer must stay untouched until the
    /// analysis is done (the report holds no reference to it).</summary>
    private static BounceReport AnalyzeInPlace(byte[] buffer, int length)
    {
        var bytes = buffer.AsSpan(0, length);
        var start = 0;
        if (bytes.StartsWith("From "u8))
        {
            var end = bytes.IndexOfAny((byte)'\n', (byte)'\r');
            if (end > 0)
            {
                start = end + 1;
                if (start < length && bytes[start] == '\n')
                    start++;
            }
        }
        bytes = bytes[start..];
        if (bytes.IndexOf((byte)'\n') < 0)
            bytes.Replace((byte)'\r', (byte)'\n');
        using var stream = new MemoryStream(buffer, start, length - start, writable: false);
        MimeMessage message;
        try
        {
            message = ThreadMimeParser.ParseMessage(ParserOptions.Default, stream, persistent: true);
        }
        catch (FormatException)
        {
            return BounceReport.NotBounce;
        }
        // Disposing the parsed message spares its parts the finaliser (MimeKit's entities have one): unfinalised, each
        // part would outlive the next collection and cost a later one.
        using (message)
            return Analyze(message);
    }
}
