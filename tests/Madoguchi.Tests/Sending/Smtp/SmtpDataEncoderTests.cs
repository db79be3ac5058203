using System.Buffers;
using System.Text;
using Madoguchi.Core.Sending.Smtp;

namespace Madoguchi.Tests.Sending.Smtp;

/// <summary>The stored message as DATA: CRLF line ends, dots stuffed, the terminator, whatever the chunks.</summary>
public class SmtpDataEncoderTests
{
    private static string Encode(params string[] chunks)
    {
        var output = new ArrayBufferWriter<byte>();
        var encoder = new SmtpDataEncoder(output);
        foreach (var chunk in chunks)
            encoder.Append(Encoding.UTF8.GetBytes(chunk));
        encoder.Finish();
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Theory]
    [InlineData("a\nb\n", "a\r\nb\r\n.\r\n")]
    [InlineData("a\r\nb\r\n", "a\r\nb\r\n.\r\n")]
    [InlineData("a\nb", "a\r\nb\r\n.\r\n")]
    [InlineData(".start\n..two\nmid.dle\n.\n", "..start\r\n...two\r\nmid.dle\r\n..\r\n.\r\n")]
    [InlineData("", ".\r\n")]
    [InlineData("a\rb\n", "a\rb\r\n.\r\n")]
    public void Encodes_LineEnds_Dots_AndTheTerminator(string message, string expected) => Assert.Equal(expected, Encode(message));

    [Fact]
    public void SameBytes_WhereverTheChunksSplit()
    {
        const string message = "Subject: x\r\n\r\n.hello\n\r\n..\r\nend\rx\n.\r\nlast";
        var whole = Encode(message);
        for (var i = 0; i <= message.Length; i++)
        {
            for (var j = i; j <= message.Length; j++)
                Assert.Equal(whole, Encode(message[..i], message[i..j], message[j..]));
        }
    }

    [Fact]
    public void EightBitBytes_PassUnchanged()
    {
        var bytes = Encoding.UTF8.GetBytes("件名\n.本文\n");
        var output = new ArrayBufferWriter<byte>();
        var encoder = new SmtpDataEncoder(output);
        encoder.Append(bytes);
        encoder.Finish();
        Assert.Equal("件名\r\n..本文\r\n.\r\n", Encoding.UTF8.GetString(output.WrittenSpan));
    }
}
