using System.Text;

namespace Madoguchi.Testing.Mail;

/// <summary>Malformed and hostile messages of the kinds real mailboxes hold. Each entry has a name and raw bytes;
/// the whole set must be stored and turned into ticket messages without stopping the worker.</summary>
public static class HostileCorpus
{
    public sealed record Entry(string Name, byte[] Bytes, bool ExpectReadProblem);

    public static IReadOnlyList<Entry> All() =>
    [
        new("missing closing boundary", Ascii(Headers("boundary-missing", "multipart/mixed; boundary=\"x\"") +
            "--x\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n--x\r\nContent-Type: text/plain\r\n\r\nsecond part never closed\r\n"), true),
        new("boundary never appears", Ascii(Headers("boundary-absent", "multipart/alternative; boundary=\"nowhere\"") + "plain text where parts should be\r\n"), true),
        new("bad base64", Ascii(Headers("bad-base64", "text/plain; charset=utf-8", "Content-Transfer-Encoding: base64") + "5pel5pys6Kqe!!!@@@###$$$%%%\r\n"), true),
        new("8-bit Shift_JIS header", Concat(Ascii("From: customer@example.com\r\nMessage-ID: <sjis-header@hostile.test>\r\nSubject: "),
            ShiftJis("請求書について"), Ascii("\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nbody\r\n")), false),
        new("1 MB header", Ascii(Headers("huge-header", "text/plain", "X-Filler: " + new string('a', 1_000_000)) + "body after a huge header\r\n"), false),
        new("nested message/rfc822 forty deep", Ascii(Nested(40)), false),
        new("script-laden HTML", Ascii(Headers("script-html", "text/html; charset=utf-8") +
            "<p onclick=\"steal()\">Hello</p><script>alert('x')</script><img src=\"https://tracker.example/p.gif\" onerror=\"steal()\"><a href=\"javascript:steal()\">link</a><iframe src=\"https://evil.example\"></iframe>\r\n"), false),
        new("binary garbage", Garbage(4096), true),
        new("headers only", Ascii("From: customer@example.com\r\nSubject: no body at all\r\nMessage-ID: <headers-only@hostile.test>\r\n"), false),
        new("broken encoded word", Ascii("From: customer@example.com\r\nMessage-ID: <broken-word@hostile.test>\r\nSubject: =?iso-2022-jp?B?GyRCJDMkcyRLJEEkTxsoQg\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nbody\r\n"), false),
    ];

    private static string Headers(string id, string contentType, params string[] extra) =>
        $"From: customer@example.com\r\nTo: support@example.jp\r\nSubject: hostile {id}\r\nMessage-ID: <{id}@hostile.test>\r\nMIME-Version: 1.0\r\nContent-Type: {contentType}\r\n"
        + string.Concat(extra.Select(h => h + "\r\n")) + "\r\n";

    private static string Nested(int depth)
    {
        var inner = "From: inner@example.com\r\nSubject: innermost\r\n\r\ninnermost body\r\n";
        for (var i = 0; i < depth; i++)
            inner = $"From: level{i}@example.com\r\nSubject: level {i}\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n{inner}";
        return "To: support@example.jp\r\nMessage-ID: <nested@hostile.test>\r\n" + inner;
    }

    /// <summary>High and control bytes in CRLF lines: mail servers keep these as they are (bare CR, LF and NUL they would rewrite).</summary>
    private static byte[] Garbage(int length)
    {
        var bytes = new List<byte>(length + length / 38);
        for (var i = 0; i < length; i++)
        {
            var b = (byte)((i * 73 + 11) % 256);
            bytes.Add(b is 0 or (byte)'\r' or (byte)'\n' ? (byte)0xFF : b);
            if (i % 76 == 75)
                bytes.AddRange("\r\n"u8.ToArray());
        }
        bytes.AddRange("\r\n"u8.ToArray());
        return [.. bytes];
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static byte[] ShiftJis(string text)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(932).GetBytes(text);
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
