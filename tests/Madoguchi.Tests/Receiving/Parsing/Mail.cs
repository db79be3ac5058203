using System.Text;
using Madoguchi.Core.Receiving.Parsing;

namespace Madoguchi.Tests.Receiving.Parsing;

/// <summary>Builds raw message bytes for tests, byte by byte, the way broken real-world mailers write them.</summary>
internal static class Mail
{
    static Mail() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static byte[] Jis(string text) => Encoding.GetEncoding(50221).GetBytes(text);

    /// <summary>ISO-2022-JP with half-width katakana as SO/SI (CP50222).</summary>
    public static byte[] JisShiftOut(string text) => Encoding.GetEncoding(50222).GetBytes(text);

    public static byte[] Sjis(string text) => Encoding.GetEncoding(932).GetBytes(text);

    public static byte[] Euc(string text) => Encoding.GetEncoding(51932).GetBytes(text);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes);

    public static string Word(string charset, byte[] bytes) => $"=?{charset}?B?{B64(bytes)}?=";

    /// <summary>Concatenates ASCII strings and raw byte arrays into one message.</summary>
    public static byte[] Bytes(params object[] pieces)
    {
        var output = new List<byte>();
        foreach (var piece in pieces)
        {
            output.AddRange(piece switch
            {
                string s => Encoding.Latin1.GetBytes(s),
                byte[] b => b,
                _ => throw new ArgumentException("string or byte[] only", nameof(pieces)),
            });
        }

        return output.ToArray();
    }

    /// <summary>A minimal single-part message with the given extra header lines and body bytes.</summary>
    public static byte[] Simple(string headers, byte[] body) =>
        Bytes("From: a@example.com\r\nTo: b@example.com\r\nMessage-ID: <m1@example.com>\r\n", headers, "\r\n", body);

    public static ParsedMessage Parse(byte[] raw) => new MessageParser().Parse(raw);

    public static ParsedMessage Parse(params object[] pieces) => Parse(Bytes(pieces));
}
