namespace Madoguchi.Testing.Servers;

/// <summary>Makes two mailboxes look alike to a client that goes by positions only.</summary>
public sealed partial class DovecotServer
{
    /// <summary>
    /// Gives <paramref name="user"/>'s folder the UIDVALIDITY <paramref name="uidValidity"/> and numbers
    /// its messages from 1 again, as another server's mailbox may happen to be numbered: then its IMAP
    /// UIDs and POP3 UIDLs (<c>%08Xu%08Xv</c>) equal those of another mailbox with that UIDVALIDITY.
    /// Stops and starts the server (open sessions are dropped).
    /// </summary>
    public async Task SetUidValidityAsync(string user, uint uidValidity, string folder = "INBOX", CancellationToken cancellationToken = default)
    {
        await StopAsync().ConfigureAwait(false);
        var maildir = MaildirOf(user);
        maildir.ForgetUids(folder);
        maildir.WriteEmptyUidList(folder, uidValidity);
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var after = await GetUidValidityAsync(user, folder, cancellationToken).ConfigureAwait(false);
        if (after != uidValidity)
        {
            throw new InvalidOperationException($"UIDVALIDITY of {user}/{folder} is {after}, not {uidValidity}, after setting it.");
        }
    }
}
