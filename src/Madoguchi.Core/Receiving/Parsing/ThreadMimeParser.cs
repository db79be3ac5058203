using MimeKit;

namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>One MIME parser per thread, reused from one mail to the next: a new <see cref="MimeParser"/> allocates its
/// read buffers each time, which for every fetched and every parsed message was tens of megabytes of garbage per 10
/// seconds of an import (bench/README.md, "One MIME parser per thread"). Each call is synchronous and complete (MimeKit
/// calls back into no code of ours while it parses), and the parser is pointed at an empty stream afterwards, so it
/// keeps no reference to the mail it read.</summary>
internal static class ThreadMimeParser
{
    /// <summary>Idle parsers of this thread, one per options object (a parser's options are fixed when it is made; the
    /// callers use two static ones).</summary>
    [ThreadStatic]
    private static Dictionary<ParserOptions, MimeParser>? _idle;

    [ThreadStatic]
    private static MemoryStream? _empty;

    /// <summary>The message in <paramref name="stream"/>. With <paramref name="persistent"/> (a seekable stream) the parts'
    /// contents stay views of the stream instead of copies, so it must stay open while they are read.</summary>
    public static MimeMessage ParseMessage(ParserOptions options, Stream stream, bool persistent)
    {
        var parser = Take(options, stream, persistent);
        try
        {
            return parser.ParseMessage();
        }
        finally
        {
            Release(options, parser);
        }
    }

    /// <summary>The header block at the start of <paramref name="stream"/>.</summary>
    public static HeaderList ParseHeaders(ParserOptions options, Stream stream)
    {
        var parser = Take(options, stream, persistent: false);
        try
        {
            return parser.ParseHeaders();
        }
        finally
        {
            Release(options, parser);
        }
    }

    private static MimeParser Take(ParserOptions options, Stream stream, bool persistent)
    {
        _idle ??= new Dictionary<ParserOptions, MimeParser>(ReferenceEqualityComparer.Instance);
        // Taken off the thread's list while in use, so a call inside another would make a parser of its own.
        if (!_idle.Remove(options, out var parser))
            parser = new MimeParser(options, stream, MimeFormat.Entity, persistent);
        else
            parser.SetStream(stream, MimeFormat.Entity, persistent);
        return parser;
    }

    private static void Release(ParserOptions options, MimeParser parser)
    {
        _empty ??= new MemoryStream([], writable: false);
        parser.SetStream(_empty, MimeFormat.Entity, persistent: true);
        _idle![options] = parser;
    }
}
