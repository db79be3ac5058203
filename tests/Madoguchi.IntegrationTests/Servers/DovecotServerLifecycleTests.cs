using System.Diagnostics;
using MailKit;
using Madoguchi.Testing.Servers;
using Xunit.Abstractions;

namespace Madoguchi.IntegrationTests.Servers;

/// <summary>Tests that stop, renumber or cut the server get a Dovecot of their own.</summary>
public sealed class DovecotServerLifecycleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Start_Timed_ServesImap()
    {
        var watch = Stopwatch.StartNew();
        await using var server = await DovecotServer.StartNewAsync();
        output.WriteLine($"Dovecot started in {watch.ElapsedMilliseconds} ms");
        await server.AddUserAsync("alice", "secret");

        using var client = await server.ConnectImapAsync("alice");

        Assert.True(client.IsAuthenticated);
    }

    [Fact]
    public async Task Restart_KeepsMessagesAndPorts()
    {
        await using var server = await DovecotServer.StartNewAsync();
        await server.AddUserAsync("alice", "secret");
        await server.DeliverManyAsync("alice", [DovecotServer.SampleMessage("a@example.test"), DovecotServer.SampleMessage("b@example.test")]);
        var uidValidity = await server.GetUidValidityAsync("alice");
        var port = server.ImapPort;

        var watch = Stopwatch.StartNew();
        await server.RestartAsync();
        output.WriteLine($"Dovecot restarted in {watch.ElapsedMilliseconds} ms");

        Assert.Equal(port, server.ImapPort);
        Assert.Equal(["a@example.test", "b@example.test"], await server.ListMessageIdsAsync("alice"));
        Assert.Equal(uidValidity, await server.GetUidValidityAsync("alice"));
    }

    [Fact]
    public async Task Stop_RefusesConnectionsUntilStarted()
    {
        await using var server = await DovecotServer.StartNewAsync();
        await server.AddUserAsync("alice", "secret");

        await server.StopAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => server.ConnectImapAsync("alice"));
        await server.StartAsync();
        using var client = await server.ConnectImapAsync("alice");
        Assert.True(client.IsAuthenticated);
    }

    [Fact]
    public async Task ResetUidValidity_ChangesUidValidityAndKeepsMessages()
    {
        await using var server = await DovecotServer.StartNewAsync();
        await server.AddUserAsync("alice", "secret");
        await server.CreateFolderAsync("alice", "Junk");
        await server.DeliverManyAsync("alice", [DovecotServer.SampleMessage("a@example.test"), DovecotServer.SampleMessage("b@example.test")]);
        await server.DeliverAsync("alice", DovecotServer.SampleMessage("spam@example.test"), "Junk");
        var inboxBefore = await server.GetUidValidityAsync("alice");
        var junkBefore = await server.GetUidValidityAsync("alice", "Junk");

        var returned = await server.ResetUidValidityAsync("alice");

        // Checked through a fresh MailKit session, not only the fixture's own answer.
        using var client = await server.ConnectImapAsync("alice");
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.NotEqual(inboxBefore, client.Inbox.UidValidity);
        Assert.Equal(returned, client.Inbox.UidValidity);
        Assert.Equal(["a@example.test", "b@example.test"], await server.ListMessageIdsAsync("alice"));
        // Only the named folder is renumbered.
        Assert.Equal(junkBefore, await server.GetUidValidityAsync("alice", "Junk"));
        Assert.Equal(1, await server.CountMessagesAsync("alice", "Junk"));
    }

    [Fact]
    public async Task ResetUidValidity_ChangesPop3Uidls()
    {
        await using var server = await DovecotServer.StartNewAsync();
        await server.AddUserAsync("alice", "secret");
        await server.DeliverAsync("alice", DovecotServer.SampleMessage("a@example.test"));
        IList<string> before;
        using (var pop3 = await server.ConnectPop3Async("alice"))
        {
            before = await pop3.GetMessageUidsAsync();
            await pop3.DisconnectAsync(true);
        }

        await server.ResetUidValidityAsync("alice");

        using var after = await server.ConnectPop3Async("alice");
        var uidls = await after.GetMessageUidsAsync();
        Assert.Single(uidls);
        Assert.NotEqual(before[0], uidls[0]);
    }

    [Fact]
    public async Task DropConnections_OpenSessionFailsAndNewSessionWorks()
    {
        await using var server = await DovecotServer.StartNewAsync();
        await server.AddUserAsync("alice", "secret");
        await server.DeliverAsync("alice", DovecotServer.SampleMessage("a@example.test"));
        using var imap = await server.ConnectImapAsync("alice", server.ImapTls);
        using var pop3 = await server.ConnectPop3Async("alice");
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);

        var killed = await server.DropConnectionsAsync();

        Assert.True(killed >= 2, $"killed {killed} processes");
        await Assert.ThrowsAnyAsync<Exception>(() => imap.Inbox.GetMessageAsync(0));
        await Assert.ThrowsAnyAsync<Exception>(() => pop3.GetMessageAsync(0));
        using var again = await server.ConnectImapAsync("alice");
        await again.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(1, again.Inbox.Count);
    }

    [Fact]
    public async Task Dispose_RemovesFolderAndStopsServer()
    {
        var server = await DovecotServer.StartNewAsync();
        var log = server.LogPath;

        await server.DisposeAsync();

        Assert.False(server.IsRunning);
        Assert.False(File.Exists(log));
    }
}
