using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MimeKit;

namespace Madoguchi.Testing.Servers;

/// <summary>Users, delivery and look-ups for assertions.</summary>
public sealed partial class DovecotServer
{
    private readonly ConcurrentDictionary<string, string> passwords = new(StringComparer.Ordinal);
    private readonly Lock usersFileGate = new();

    /// <summary>Adds a mailbox user with a plain-text password (usable at once, no restart).</summary>
    public Task<MailboxUser> AddUserAsync(string name, string password)
    {
        if (name.Length == 0 || name.IndexOfAny([':', '/', '\n', '\r', ' ']) >= 0 || name.StartsWith('.'))
        {
            throw new ArgumentException($"User name '{name}' is not usable in a passwd-file.", nameof(name));
        }

        if (password.IndexOfAny([':', '\n', '\r']) >= 0)
        {
            throw new ArgumentException("The password must not contain ':' or line breaks.", nameof(password));
        }

        if (!passwords.TryAdd(name, password))
        {
            throw new InvalidOperationException($"User '{name}' already exists.");
        }

        var home = Path.Combine(configuration.HomesDirectory, name);
        Directory.CreateDirectory(home);
        UnixProcess.ChangeOwner(home, mailUser.Uid, mailUser.Gid);
        lock (usersFileGate)
        {
            // Dovecot re-reads the passwd-file when it changes.
            File.AppendAllText(
                configuration.UsersPath,
                string.Create(CultureInfo.InvariantCulture, $"{name}:{{PLAIN}}{password}:{mailUser.Uid}:{mailUser.Gid}::{home}::\n"));
        }

        return Task.FromResult(new MailboxUser(name, password));
    }

    /// <summary>
    /// Drops the exact bytes into the folder like an MDA does (Maildir tmp/ → new/). Visible to the
    /// next IMAP/POP3 command; works while the server is stopped. Non-INBOX folders must exist.
    /// </summary>
    public Task DeliverAsync(string user, byte[] raw, string folder = "INBOX") =>
        DeliverManyAsync(user, [raw], folder);

    public Task DeliverAsync(string user, MimeMessage message, string folder = "INBOX")
    {
        using var buffer = new MemoryStream();
        message.WriteTo(buffer);
        return DeliverAsync(user, buffer.ToArray(), folder);
    }

    /// <summary>Delivers in order; UIDs follow the order of <paramref name="messages"/>.</summary>
    public Task DeliverManyAsync(string user, IEnumerable<byte[]> messages, string folder = "INBOX")
    {
        MaildirOf(user).Deliver(folder, messages);
        return Task.CompletedTask;
    }

    /// <summary>Creates a top-level folder (e.g. "Junk") over IMAP and subscribes to it.</summary>
    public async Task CreateFolderAsync(string user, string folder, CancellationToken cancellationToken = default)
    {
        using var client = await ConnectImapAsync(user, cancellationToken: cancellationToken).ConfigureAwait(false);
        var top = client.GetFolder(client.PersonalNamespaces[0]);
        var created = await top.CreateAsync(folder, isMessageFolder: true, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The server did not create folder '{folder}'.");
        await created.SubscribeAsync(cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> CountMessagesAsync(string user, string folder = "INBOX", CancellationToken cancellationToken = default)
    {
        using var client = await ConnectImapAsync(user, cancellationToken: cancellationToken).ConfigureAwait(false);
        var mailFolder = await client.GetFolderAsync(folder, cancellationToken).ConfigureAwait(false);
        await mailFolder.OpenAsync(FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        var count = mailFolder.Count;
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <summary>Message-ID header of every message in UID order (null where a message has none).</summary>
    public async Task<IReadOnlyList<string?>> ListMessageIdsAsync(string user, string folder = "INBOX", CancellationToken cancellationToken = default)
    {
        using var client = await ConnectImapAsync(user, cancellationToken: cancellationToken).ConfigureAwait(false);
        var mailFolder = await client.GetFolderAsync(folder, cancellationToken).ConfigureAwait(false);
        await mailFolder.OpenAsync(FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        var summaries = mailFolder.Count == 0
            ? []
            : await mailFolder.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
        return [.. summaries.OrderBy(s => s.UniqueId.Id).Select(s => s.Envelope?.MessageId)];
    }

    public async Task<uint> GetUidValidityAsync(string user, string folder = "INBOX", CancellationToken cancellationToken = default)
    {
        using var client = await ConnectImapAsync(user, cancellationToken: cancellationToken).ConfigureAwait(false);
        var mailFolder = await client.GetFolderAsync(folder, cancellationToken).ConfigureAwait(false);
        await mailFolder.OpenAsync(FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        var uidValidity = mailFolder.UidValidity;
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
        return uidValidity;
    }

    /// <summary>An IMAP client signed in as <paramref name="user"/> (plain IMAP unless told otherwise).</summary>
    public async Task<ImapClient> ConnectImapAsync(string user, MailEndpoint? endpoint = null, CancellationToken cancellationToken = default)
    {
        var client = new ImapClient { ServerCertificateValidationCallback = ValidateServerCertificate };
        try
        {
            endpoint ??= Imap;
            await client.ConnectAsync(endpoint.Host, endpoint.Port, endpoint.Security, cancellationToken).ConfigureAwait(false);
            await client.AuthenticateAsync(user, PasswordOf(user), cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>A POP3 client signed in as <paramref name="user"/> (plain POP3 unless told otherwise).</summary>
    public async Task<Pop3Client> ConnectPop3Async(string user, MailEndpoint? endpoint = null, CancellationToken cancellationToken = default)
    {
        var client = new Pop3Client { ServerCertificateValidationCallback = ValidateServerCertificate };
        try
        {
            endpoint ??= Pop3;
            await client.ConnectAsync(endpoint.Host, endpoint.Port, endpoint.Security, cancellationToken).ConfigureAwait(false);
            await client.AuthenticateAsync(user, PasswordOf(user), cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>A small, valid message for tests that do not care about the content.</summary>
    public static byte[] SampleMessage(string messageId, string subject = "Test", string body = "Hello") =>
        Encoding.UTF8.GetBytes(
            $"From: customer@example.test\r\nTo: support@example.test\r\nSubject: {subject}\r\n"
            + $"Message-ID: <{messageId}>\r\nDate: Wed, 25 Nov 2026 10:00:00 +0900\r\n"
            + $"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n");

    private string PasswordOf(string user) =>
        passwords.TryGetValue(user, out var password)
            ? password
            : throw new InvalidOperationException($"Unknown user '{user}': add it with AddUserAsync first.");

    private Maildir MaildirOf(string user)
    {
        _ = PasswordOf(user);
        return new Maildir(Path.Combine(configuration.HomesDirectory, user, "Maildir"), mailUser.Uid, mailUser.Gid);
    }
}
