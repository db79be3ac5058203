using Madoguchi.Core.Receiving.Parsing;
using static Madoguchi.Tests.Receiving.Parsing.Mail;

namespace Madoguchi.Tests.Receiving.Parsing;

public class MessageHeaderTests
{
    private static ParsedMessage WithHeaders(string headers) => Parse(Ascii("From: a@example.com\r\n" + headers + "\r\nbody\r\n"));

    [Fact]
    public void Parse_MessageIdAndThreadHeaders_StripsAngleBrackets()
    {
        var message = WithHeaders("Message-ID: <abc@example.com>\r\nIn-Reply-To: <p1@example.com>\r\nReferences: <p0@example.com>\r\n <p1@example.com>\r\n");
        Assert.Equal("abc@example.com", message.MessageId);
        Assert.False(message.MessageIdSynthesized);
        Assert.Equal("p1@example.com", message.InReplyTo);
        Assert.Equal(["p0@example.com", "p1@example.com"], message.References);
    }

    [Fact]
    public void Parse_MissingMessageId_SynthesizesStableIdFromBytes()
    {
        var first = WithHeaders("Subject: x\r\n");
        var again = WithHeaders("Subject: x\r\n");
        var other = WithHeaders("Subject: y\r\n");

        Assert.True(first.MessageIdSynthesized);
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.NotEqual(first.MessageId, other.MessageId);
        Assert.EndsWith("@madoguchi.invalid", first.MessageId, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Date_ConvertsToUtc()
    {
        Assert.Equal(new DateTime(2024, 3, 1, 1, 30, 0, DateTimeKind.Utc), WithHeaders("Date: Fri, 1 Mar 2024 10:30:00 +0900\r\n").Date);
    }

    [Fact]
    public void Parse_UnreadableDate_IsNull()
    {
        Assert.Null(WithHeaders("Date: someday soon\r\n").Date);
    }

    [Theory]
    [InlineData("Auto-Submitted: auto-replied\r\n", AutoReplySignals.AutoSubmitted)]
    [InlineData("X-Auto-Response-Suppress: All\r\n", AutoReplySignals.AutoResponseSuppress)]
    [InlineData("Precedence: bulk\r\n", AutoReplySignals.PrecedenceBulk)]
    [InlineData("Precedence: junk\r\n", AutoReplySignals.PrecedenceJunk)]
    [InlineData("Precedence: list\r\n", AutoReplySignals.PrecedenceList)]
    [InlineData("X-Autoreply: yes\r\n", AutoReplySignals.XAutoreply)]
    [InlineData("X-Autorespond: yes\r\n", AutoReplySignals.XAutorespond)]
    [InlineData("Auto-Submitted: no\r\nPrecedence: first-class\r\n", AutoReplySignals.None)]
    public void Parse_AutomaticMailHeader_SetsSignal(string headers, AutoReplySignals expected)
    {
        var info = WithHeaders(headers).AutoReply;
        Assert.Equal(expected, info.Signals);
        Assert.Equal(expected != AutoReplySignals.None, info.IsAutomatic);
    }

    [Fact]
    public void Parse_AutoSubmittedWithParameters_KeepsValue()
    {
        Assert.Equal("auto-generated", WithHeaders("Auto-Submitted: auto-generated; owner-email=x@y\r\n").AutoReply.AutoSubmitted);
    }

    [Theory]
    [InlineData("X-Spam-Flag: YES\r\n", true)]
    [InlineData("X-Spam-Status: Yes, score=9.1 required=5.0\r\n", true)]
    [InlineData("X-Spam-Status: No, score=0.1\r\n", false)]
    [InlineData("X-Spam-Flag: NO\r\n", false)]
    public void Parse_SpamHeaders_SetSpamFlagged(string headers, bool expected)
    {
        Assert.Equal(expected, WithHeaders(headers).SpamFlagged);
    }
}
