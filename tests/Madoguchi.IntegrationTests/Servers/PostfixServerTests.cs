using MailKit.Net.Smtp;
using MailKit.Security;
using Madoguchi.Testing.Servers;
using MimeKit;

namespace Madoguchi.IntegrationTests.Servers;

/// <summary>The private Postfix delivers into the test Dovecot, bounces for real and refuses like a real server.</summary>
public sealed class PostfixServerTests(PostfixFixture fixture) : IClassFixture<PostfixFixture>
{
    [Fact]
    public async Task Relay_DeliversIntoDovecotMailbox()
    {
        var user = await fixture.AddUniqueUserAsync();

        await SendAsync(fixture.Postfix.Smtp, null, "sender@example.test", [PostfixFixture.AddressOf(user)], "relay-1@example.test");

        await WaitForMessagesAsync(user, 1);
        Assert.Equal(["relay-1@example.test"], await fixture.Dovecot.ListMessageIdsAsync(user.Name));
    }

    [Fact]
    public async Task UnknownLocalUser_BouncesBackToSender()
    {
        var sender = await fixture.AddUniqueUserAsync("support");

        await SendAsync(fixture.Postfix.Smtp, null, PostfixFixture.AddressOf(sender), [$"nobody-here@{PostfixServer.LocalDomain}"], "to-unknown@example.test");

        await WaitForMessagesAsync(sender, 1);
        using var client = await fixture.Dovecot.ConnectImapAsync(sender.Name);
        await client.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
        var bounce = await client.Inbox.GetMessageAsync(0);
        Assert.Equal("multipart/report", bounce.Body?.ContentType.MimeType);
        Assert.Contains("5.1.1", bounce.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submission_WithPassword_OverStartTls_Delivers()
    {
        var user = await fixture.AddUniqueUserAsync();

        await SendAsync(fixture.Postfix.Submission, user, PostfixFixture.AddressOf(user), [PostfixFixture.AddressOf(user)], "auth-1@example.test");

        await WaitForMessagesAsync(user, 1);
    }

    [Fact]
    public async Task Smtps_WithPassword_Delivers()
    {
        var user = await fixture.AddUniqueUserAsync();

        await SendAsync(fixture.Postfix.Smtps, user, PostfixFixture.AddressOf(user), [PostfixFixture.AddressOf(user)], "smtps-1@example.test");

        await WaitForMessagesAsync(user, 1);
    }

    [Fact]
    public async Task Submission_WrongPassword_Answers535()
    {
        var user = await fixture.AddUniqueUserAsync();

        var error = await Assert.ThrowsAsync<AuthenticationException>(() =>
            SendAsync(fixture.Postfix.Submission, user with { Password = "wrong" }, "a@mail.test", ["a@mail.test"], "x@example.test"));

        Assert.Contains("5.7.8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submission_WithoutTls_Answers530()
    {
        var plain = fixture.Postfix.Submission with { Security = SecureSocketOptions.None };

        var error = await Assert.ThrowsAsync<MailKit.ServiceNotAuthenticatedException>(() =>
            SendAsync(plain, null, "a@mail.test", ["a@mail.test"], "x@example.test"));

        Assert.Contains("5.7.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Limited_TooManyRecipients_Answers452()
    {
        string[] recipients = [.. Enumerable.Range(0, PostfixServer.LimitedRecipients + 1).Select(i => $"r{i}@{PostfixServer.LocalDomain}")];

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            SendAsync(fixture.Postfix.Limited, null, "a@example.test", recipients, "many@example.test"));

        Assert.Equal(452, (int)error.StatusCode);
    }

    [Fact]
    public async Task SinkScriptedReply_IsAnsweredVerbatim()
    {
        await using var sink = await SmtpSinkServer.StartNewAsync(["-f", "RCPT", "-B", "550 5.1.1 No such user here"]);

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            SendAsync(sink.Endpoint, null, "a@example.test", ["b@example.test"], "sink@example.test"));

        Assert.Equal(550, (int)error.StatusCode);
        Assert.Contains("No such user here", error.Message, StringComparison.Ordinal);
    }

    private async Task SendAsync(MailEndpoint endpoint, MailboxUser? login, string from, IEnumerable<string> to, string messageId)
    {
        var message = new MimeMessage { MessageId = messageId, Subject = "Postfix fixture" };
        message.From.Add(MailboxAddress.Parse(from));
        foreach (var address in to)
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        message.Body = new TextPart("plain") { Text = "Hello" };
        using var client = new SmtpClient { ServerCertificateValidationCallback = fixture.Postfix.CertificateAuthorityValidator };
        await client.ConnectAsync(endpoint.Host, endpoint.Port, endpoint.Security);
        if (login is not null)
        {
            await client.AuthenticateAsync(login.Name, login.Password);
        }

        await client.SendAsync(message);
        await client.DisconnectAsync(quit: true);
    }

    private async Task WaitForMessagesAsync(MailboxUser user, int count)
    {
        await fixture.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(count, await fixture.Dovecot.CountMessagesAsync(user.Name));
    }
}
