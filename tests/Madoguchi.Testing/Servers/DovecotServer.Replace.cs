namespace Madoguchi.Testing.Servers;

/// <summary>Swaps a mailbox behind a client's back, as when a server's mailbox is replaced or restored from elsewhere.</summary>
public sealed partial class DovecotServer
{
    /// <summary>
    /// Replaces every message of <paramref name="user"/>'s folder with <paramref name="messages"/>, keeping the folder's
    /// UIDVALIDITY and numbering the new messages from 1 again: the new mailbox's IMAP UIDs and POP3 UIDLs
    /// (<c>%08Xu%08Xv</c>) are those the old one had, for other mail. Stops and starts the server (open sessions are dropped).
    /// </summary>
    public async Task ReplaceMailboxAsync(string user, IEnumerable<byte[]> messages, string folder = "INBOX", CancellationToken cancellationToken = default)
    {
        var uidValidity = await GetUidValidityAsync(user, folder, cancellationToken).ConfigureAwait(false);
        await StopAsync().ConfigureAwait(false);
        var maildir = MaildirOf(user);
        foreach (var part in new[] { "cur", "new", "tmp" })
        {
            var directory = Path.Combine(maildir.FolderPath(folder), part);
            if (Directory.Exists(directory))
            {
                foreach (var file in Directory.EnumerateFiles(directory))
                {
                    File.Delete(file);
                }
            }
        }

        maildir.ForgetUids(folder);
        maildir.WriteEmptyUidList(folder, uidValidity);
        maildir.Deliver(folder, messages);
        await StartAsync(cancellationToken).ConfigureAwait(false);
    }
}
