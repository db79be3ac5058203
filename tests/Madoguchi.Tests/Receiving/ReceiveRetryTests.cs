using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Receiving.Servers;

namespace Madoguchi.Tests.Receiving;

public sealed class ReceiveRetryTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(9, 256)]
    [InlineData(10, 360)]
    [InlineData(1000, 360)]
    public void Backoff_StartsAtOneMinuteDoublesAndStopsAtSixHours(int attempts, int minutes) =>
        Assert.Equal(TimeSpan.FromMinutes(minutes), ReceiveRetryBackoff.After(attempts));

    [Fact]
    public void Positions_NameServerFolderAndUid() =>
        Assert.Equal(("imap:7:42:INBOX", "pop3:0000002a00000007"), (ReceiveRetryPositions.Imap("INBOX", 7, 42), ReceiveRetryPositions.Pop3("0000002a00000007")));

    [Theory]
    [InlineData("mail.example.jp", 993, MailSecurity.Tls, true, "support", false, false)]
    [InlineData("MAIL.example.jp", 993, MailSecurity.Tls, true, "support", false, false)]
    [InlineData("evil.example", 993, MailSecurity.Tls, true, "support", true, true)]
    [InlineData("mail.example.jp", 10993, MailSecurity.Tls, true, "support", true, true)]
    [InlineData("mail.example.jp", 993, MailSecurity.None, true, "support", true, false)]
    [InlineData("mail.example.jp", 993, MailSecurity.Tls, false, "support", true, false)]
    [InlineData("mail.example.jp", 993, MailSecurity.Tls, true, "other", true, true)]
    public void Destination_ChangesThatNeedThePasswordAndThoseThatMeanAnotherMailbox(string host, int port, MailSecurity security, bool validate, string username,
        bool needsPassword, bool otherMailbox)
    {
        var before = new ReceiveServerDestination("mail.example.jp", 993, MailSecurity.Tls, true, "support");
        var after = new ReceiveServerDestination(host, port, security, validate, username);

        Assert.Equal((needsPassword, otherMailbox), (before.Changes(after).Count > 0, before.MailboxDiffers(after)));
    }
}
