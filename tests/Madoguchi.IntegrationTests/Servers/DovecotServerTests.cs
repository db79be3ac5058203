using System.Diagnostics;
using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Security;
using Madoguchi.Testing.Servers;
using Xunit.Abstractions;

namespace Madoguchi.IntegrationTests.Servers;

/// <summary>Tests that leave the server running share one Dovecot.</summary>
public sealed class DovecotServerTests(DovecotFixture fixture, ITestOutputHelper output) : IClassFixture<DovecotFixture>
{
    private DovecotServer Server => fixture.Server;

    [Theory]
    [InlineData("imap")]
    [InlineData("imap-starttls")]
    [InlineData("imap-tls")]
    public async Task Login_Imap_SucceedsAndSecuresAsAsked(string endpointName)
    {
        var user = await fixture.AddUniqueUserAsync();
        var endpoint = endpointName switch
        {
            "imap" => Server.Imap,
            "imap-starttls" => Server.ImapStartTls,
            _ => Server.ImapTls,
        };

        using var client = await Server.ConnectImapAsync(user.Name, endpoint);

        Assert.True(client.IsAuthenticated);
        Assert.Equal(endpoint.Security != SecureSocketOptions.None, client.IsSecure);
        await client.DisconnectAsync(true);
    }

    [Theory]
    [InlineData("pop3")]
    [InlineData("pop3-starttls")]
    [InlineData("pop3-tls")]
    public async Task Login_Pop3_SucceedsAndSecuresAsAsked(string endpointName)
    {
        var user = await fixture.AddUniqueUserAsync();
        var endpoint = endpointName switch
        {
            "pop3" => Server.Pop3,
            "pop3-starttls" => Server.Pop3StartTls,
            _ => Server.Pop3Tls,
        };

        using var client = await Server.ConnectPop3Async(user.Name, endpoint);

        Assert.True(client.IsAuthenticated);
        Assert.Equal(endpoint.Security != SecureSocketOptions.None, client.IsSecure);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Tls_WithoutTrustingGeneratedAuthority_IsRefused()
    {
        using var client = new ImapClient();

        await Assert.ThrowsAsync<SslHandshakeException>(
            () => client.ConnectAsync(Server.Host, Server.ImapsPort, SecureSocketOptions.SslOnConnect));
    }

    [Fact]
    public async Task Login_WrongPassword_IsRefusedOnImapAndPop3()
    {
        var user = await fixture.AddUniqueUserAsync();
        using var imap = new ImapClient();
        using var pop3 = new Pop3Client();
        await imap.ConnectAsync(Server.Host, Server.ImapPort, SecureSocketOptions.None);
        await pop3.ConnectAsync(Server.Host, Server.Pop3Port, SecureSocketOptions.None);

        await Assert.ThrowsAsync<AuthenticationException>(() => imap.AuthenticateAsync(user.Name, user.Password + "x"));
        await Assert.ThrowsAsync<AuthenticationException>(() => pop3.AuthenticateAsync(user.Name, user.Password + "x"));
    }

    [Fact]
    public async Task Deliver_Message_VisibleOverImapAndPop3ByteForByte()
    {
        var user = await fixture.AddUniqueUserAsync();
        var raw = DovecotServer.SampleMessage("exact@example.test", "請求書の送付", "本文です");

        await Server.DeliverAsync(user.Name, raw);

        using var imap = await Server.ConnectImapAsync(user.Name);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        using var fetched = await imap.Inbox.GetStreamAsync(0, "");
        using var imapBytes = new MemoryStream();
        await fetched.CopyToAsync(imapBytes);
        Assert.Equal(raw, imapBytes.ToArray());

        using var pop3 = await Server.ConnectPop3Async(user.Name);
        Assert.Equal(1, pop3.Count);
        var viaPop3 = await pop3.GetMessageAsync(0);
        Assert.Equal("exact@example.test", viaPop3.MessageId);
    }

    [Fact]
    public async Task Deliver_ThousandMessages_AllVisibleOverImapInDeliveryOrder()
    {
        var user = await fixture.AddUniqueUserAsync();
        var ids = Enumerable.Range(0, 1000).Select(i => string.Create(CultureInfo.InvariantCulture, $"bulk{i}@example.test")).ToList();

        var watch = Stopwatch.StartNew();
        await Server.DeliverManyAsync(user.Name, ids.Select(id => DovecotServer.SampleMessage(id)));
        var delivered = watch.Elapsed;
        var listed = await Server.ListMessageIdsAsync(user.Name);
        output.WriteLine($"Delivered 1,000 in {delivered.TotalMilliseconds:F0} ms; listed over IMAP after {watch.ElapsedMilliseconds} ms");

        Assert.Equal(ids, listed);
    }

    [Fact]
    public async Task Deliver_ToCreatedFolder_CountedThereOnly()
    {
        var user = await fixture.AddUniqueUserAsync();
        await Server.CreateFolderAsync(user.Name, "Junk");
        await Server.CreateFolderAsync(user.Name, "迷惑メール");

        await Server.DeliverAsync(user.Name, DovecotServer.SampleMessage("junk@example.test"), "Junk");
        await Server.DeliverManyAsync(
            user.Name, [DovecotServer.SampleMessage("j1@example.test"), DovecotServer.SampleMessage("j2@example.test")], "迷惑メール");

        Assert.Equal(1, await Server.CountMessagesAsync(user.Name, "Junk"));
        Assert.Equal(2, await Server.CountMessagesAsync(user.Name, "迷惑メール"));
        Assert.Equal(0, await Server.CountMessagesAsync(user.Name, "INBOX"));
    }

    [Fact]
    public async Task Deliver_ToMissingFolder_Throws()
    {
        var user = await fixture.AddUniqueUserAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => Server.DeliverAsync(user.Name, DovecotServer.SampleMessage("lost@example.test"), "NoSuchFolder"));
    }

    [Fact]
    public async Task Deliver_WhileSessionOpen_SeenAfterNoop()
    {
        var user = await fixture.AddUniqueUserAsync();
        using var client = await Server.ConnectImapAsync(user.Name);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(0, client.Inbox.Count);

        await Server.DeliverAsync(user.Name, DovecotServer.SampleMessage("late@example.test"));
        await client.NoOpAsync();

        Assert.Equal(1, client.Inbox.Count);
    }
}
