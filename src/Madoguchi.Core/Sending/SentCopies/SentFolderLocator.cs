using MailKit;
using MailKit.Net.Imap;

namespace Madoguchi.Core.Sending.SentCopies;

/// <summary>Finds the mailbox's Sent folder, in this order: the folder the server marks <c>\Sent</c> (SPECIAL-USE,
/// RFC 6154; any name, 送信済みアイテム included), else the configured name (<see cref="SendAddress.SentFolder"/>), else the
/// first existing of the common names. Null when none exists: nothing is created on the customer's server.</summary>
public static class SentFolderLocator
{
    public static readonly IReadOnlyList<string> CommonNames = ["Sent", "送信済み", "Sent Items", "INBOX.Sent", "INBOX/Sent", "Sent Messages", "送信済みメール", "送信済みアイテム"];

    public static async Task<IMailFolder?> FindAsync(ImapClient client, string configured, CancellationToken ct)
    {
        var folders = new List<IMailFolder>();
        foreach (var space in client.PersonalNamespaces)
            folders.AddRange(await client.GetFoldersAsync(space, StatusItems.None, subscribedOnly: false, ct));
        if (client.Capabilities.HasFlag(ImapCapabilities.SpecialUse) && client.GetFolder(SpecialFolder.Sent) is { } special)
            return special;
        if (folders.FirstOrDefault(f => f.Attributes.HasFlag(FolderAttributes.Sent)) is { } marked)
            return marked;
        if (!string.IsNullOrWhiteSpace(configured))
            return folders.FirstOrDefault(f => Same(f, configured.Trim()));
        foreach (var name in CommonNames)
            if (folders.FirstOrDefault(f => Same(f, name)) is { } common)
                return common;
        return null;
    }

    private static bool Same(IMailFolder folder, string name) => string.Equals(folder.FullName, name, StringComparison.OrdinalIgnoreCase);
}
