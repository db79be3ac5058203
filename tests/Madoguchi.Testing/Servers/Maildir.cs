using System.Globalization;
using System.Text;

namespace Madoguchi.Testing.Servers;

/// <summary>
/// Writes messages straight into a Maildir++ folder the way an MDA does (tmp/ then rename
/// into new/): byte-exact, works while Dovecot is stopped, and a thousand messages take
/// milliseconds. Dovecot assigns UIDs in file-name order on its next sync, and the names
/// carry a rising sequence number, so UIDs follow delivery order.
/// </summary>
internal sealed class Maildir(string root, int uid, int gid)
{
    private static long sequence;

    public string Root => root;

    /// <summary>"INBOX" is the Maildir root; "Junk" is ".Junk"; "A.B" is ".A.B"; non-ASCII names are modified UTF-7.</summary>
    public string FolderPath(string folder) =>
        string.Equals(folder, "INBOX", StringComparison.OrdinalIgnoreCase)
            ? root
            : Path.Combine(root, "." + ModifiedUtf7.Encode(folder));

    public void Deliver(string folder, IEnumerable<byte[]> messages)
    {
        var folderPath = FolderPath(folder);
        if (folderPath == root)
        {
            EnsureMaildirDirectories(root);
        }
        else if (!Directory.Exists(folderPath))
        {
            throw new InvalidOperationException($"Folder '{folder}' does not exist: create it first (CreateFolderAsync).");
        }

        var hostPart = string.Create(CultureInfo.InvariantCulture, $"P{Environment.ProcessId}.madoguchi-test");
        foreach (var raw in messages)
        {
            var seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var name = string.Create(
                CultureInfo.InvariantCulture, $"{seconds}.M{Interlocked.Increment(ref sequence):D9}{hostPart},S={raw.Length}");
            var temporary = Path.Combine(folderPath, "tmp", name);
            File.WriteAllBytes(temporary, raw);
            UnixProcess.ChangeOwner(temporary, uid, gid);
            File.Move(temporary, Path.Combine(folderPath, "new", name));
        }
    }

    private void EnsureMaildirDirectories(string path)
    {
        foreach (var directory in new[] { path, Path.Combine(path, "cur"), Path.Combine(path, "new"), Path.Combine(path, "tmp") })
        {
            if (!Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory);
                UnixProcess.ChangeOwner(directory, uid, gid);
            }
        }
    }

    /// <summary>Removes a folder's UID list and indexes so Dovecot rebuilds them with a new UIDVALIDITY.</summary>
    public void ForgetUids(string folder)
    {
        var folderPath = FolderPath(folder);
        var doomed = Directory.EnumerateFiles(folderPath, "dovecot-uidlist*")
            .Concat(Directory.EnumerateFiles(folderPath, "dovecot.index*"))
            // The mailbox list index at the root caches each folder's UIDVALIDITY as well.
            .Concat(Directory.EnumerateFiles(root, "dovecot.list.index*"));
        foreach (var file in doomed)
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// With Dovecot stopped and the folder's UIDs forgotten (<see cref="ForgetUids"/>): an empty UID list
    /// with the given UIDVALIDITY, so Dovecot numbers the messages from 1 under that UIDVALIDITY.
    /// </summary>
    public void WriteEmptyUidList(string folder, uint uidValidity)
    {
        var path = Path.Combine(FolderPath(folder), "dovecot-uidlist");
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"3 V{uidValidity} N1\n"));
        UnixProcess.ChangeOwner(path, uid, gid);
    }

    /// <summary>RFC 3501 §5.1.3 modified UTF-7, which Dovecot uses for folder names on disk.</summary>
    private static class ModifiedUtf7
    {
        public static string Encode(string name)
        {
            var result = new StringBuilder();
            var pending = new StringBuilder();
            foreach (var c in name)
            {
                if (c is >= (char)0x20 and <= (char)0x7e)
                {
                    Flush(result, pending);
                    result.Append(c);
                    if (c == '&')
                    {
                        result.Append('-');
                    }
                }
                else
                {
                    pending.Append(c);
                }
            }

            Flush(result, pending);
            return result.ToString();
        }

        private static void Flush(StringBuilder result, StringBuilder pending)
        {
            if (pending.Length == 0)
            {
                return;
            }

            var base64 = Convert.ToBase64String(Encoding.BigEndianUnicode.GetBytes(pending.ToString()))
                .TrimEnd('=').Replace('/', ',');
            result.Append('&').Append(base64).Append('-');
            pending.Clear();
        }
    }
}
