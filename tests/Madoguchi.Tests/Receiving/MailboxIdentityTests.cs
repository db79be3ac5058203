using System.Text;
using Madoguchi.Core.Receiving.Fetching;

namespace Madoguchi.Tests.Receiving;

public sealed class MailboxIdentityTests
{
    [Theory]
    [InlineData("From: a@example.jp\r\nSubject: x\r\n\r\nbody\r\n\r\nmore", "From: a@example.jp\r\nSubject: x")]
    [InlineData("From: a@example.jp\r\nSubject: x\r\n\r\n", "From: a@example.jp\r\nSubject: x")]
    [InlineData("From: a@example.jp\nSubject: x\n\nbody", "From: a@example.jp\nSubject: x")]
    [InlineData("From: a@example.jp\r\nSubject: x\r\n", "From: a@example.jp\r\nSubject: x")]
    public void HeaderBlock_IsTheHeaderLinesWithoutTheEmptyLine_SoTopAndTheStoredOriginalCompareAlike(string message, string expected) =>
        Assert.Equal(expected, Encoding.ASCII.GetString(Pop3MailboxIdentity.HeaderBlock(Encoding.ASCII.GetBytes(message))));

    [Theory]
    [InlineData("Received: by a\r\nMessage-ID: <1@a>\r\n\r\nbody", "Received: by a\r\nMessage-ID: <1@a>\r\nStatus: RO\r\n\r\n", true)]
    [InlineData("Received: by a\r\nMessage-ID: <1@a>\r\nX-UIDL: 17\r\n\r\nbody", "Received: by a\r\nMessage-ID: <1@a>\r\n\r\n", true)]
    [InlineData("Received: by a\r\nMessage-ID: <1@a>\r\n\r\nbody", "Received: by a\r\nMessage-ID: <2@a>\r\n\r\n", false)]
    [InlineData("Received: by a\r\n\tfolded 1\r\nMessage-ID: <1@a>\r\n\r\n", "Received: by a\r\n\tfolded 2\r\nMessage-ID: <1@a>\r\n\r\n", false)]
    public void Same_ComparesHeaderLinesLeavingOutStatusLinesServersAdd(string stored, string top, bool same) =>
        Assert.Equal(same, Pop3MailboxIdentity.Same(Encoding.ASCII.GetBytes(top), Encoding.ASCII.GetBytes(stored)));

    [Theory]
    [InlineData(0, 10)]
    [InlineData(99, 10)]
    [InlineData(100, 11)]
    [InlineData(149, 11)]
    [InlineData(150, 12)]
    [InlineData(10_000, 12)]
    public void TransferPosition_NamesTheMessageWhoseBytesWereArriving(long received, int expected)
    {
        var sizes = Enumerable.Range(0, 13).Select(i => i switch { 10 => 100, 11 => 50, 12 => 70, _ => 1 }).ToList();
        var position = new Pop3TransferPosition();
        position.Report(received);

        Assert.Equal(expected, position.MessageAt([10, 11, 12], sizes));
    }
}
