namespace Madoguchi.Testing.Servers;

/// <summary>Things real servers do to clients: renumber a folder, cut sessions.</summary>
public sealed partial class DovecotServer
{
    private static readonly HashSet<string> SessionProcessNames = ["imap", "pop3", "imap-login", "pop3-login"];

    /// <summary>
    /// Gives the folder a new UIDVALIDITY, keeping its messages (they get new UIDs and POP3 UIDLs),
    /// as happens when a server rebuilds its index. Stops the server, removes the folder's UID list
    /// and indexes, starts it again. Open sessions are dropped. Returns the new UIDVALIDITY.
    /// </summary>
    public async Task<uint> ResetUidValidityAsync(string user, string folder = "INBOX", CancellationToken cancellationToken = default)
    {
        var before = await GetUidValidityAsync(user, folder, cancellationToken).ConfigureAwait(false);
        await StopAsync().ConfigureAwait(false);
        MaildirOf(user).ForgetUids(folder);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var after = await GetUidValidityAsync(user, folder, cancellationToken).ConfigureAwait(false);
        return after != before
            ? after
            : throw new InvalidOperationException($"UIDVALIDITY of {user}/{folder} stayed {before} after the reset.");
    }

    /// <summary>
    /// Kills every IMAP/POP3 session process (SIGKILL, so clients see the connection vanish without
    /// a BYE, as on a network failure). The server keeps running and accepts new connections.
    /// Returns the number of processes killed. To cut a transfer at an exact point, put a
    /// <see cref="TcpFaultProxy"/> in front of a port instead.
    /// </summary>
    public async Task<int> DropConnectionsAsync()
    {
        if (master is not { HasExited: false } running)
        {
            return 0;
        }

        var sessions = UnixProcess.Children(running.Id).Where(p => SessionProcessNames.Contains(p.Name)).ToList();
        foreach (var (pid, _) in sessions)
        {
            UnixProcess.Signal(pid, UnixProcess.SigKill);
        }

        foreach (var (pid, _) in sessions)
        {
            await UnixProcess.WaitForExitAsync(pid, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }

        return sessions.Count;
    }
}
