using MailKit.Net.Pop3;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>Whether a POP3 mailbox still holds what Madoguchi fetched from it under the same UIDLs. A UIDL alone proves
/// nothing: servers number mailboxes alike (Dovecot's UIDLs repeat across mailboxes with the same UIDVALIDITY), so a
/// mailbox replaced or restored from elsewhere can list our UIDLs for other mail. A message is the same when the header
/// block the server gives now (<c>TOP n 0</c>) is byte for byte the header block of the original stored under its UIDL
/// (Received, Message-ID and Date lines make two messages' header blocks differ). Asked for a sample at the start of
/// every pass and for every message before it is deleted; a message whose original cannot be read is never "the same".</summary>
public static class Pop3MailboxIdentity
{
    /// <summary>Header blocks larger than this are compared by their first part.</summary>
    private const int MaxHeaderBytes = 256 * 1024;

    /// <summary>Checks the messages at <paramref name="indexes"/> (0-based, with their UIDLs); returns the UIDLs whose
    /// message on the server is not the original stored under that UIDL, or whose original cannot be read.</summary>
    public static async Task<List<string>> MismatchedAsync(Pop3Client client, FetchContext context, IReadOnlyList<(int Index, string Uidl)> messages, CancellationToken ct)
    {
        if (messages.Count == 0)
            return [];
        var stored = await context.StoredBlobsAsync([.. messages.Select(m => m.Uidl)], ct);
        var headers = await client.GetStreamsAsync([.. messages.Select(m => m.Index)], true, ct);
        var mismatched = new List<string>();
        for (var n = 0; n < messages.Count; n++)
        {
            await using var onServer = headers[n];
            var uidl = messages[n].Uidl;
            if (!stored.TryGetValue(uidl, out var hash) || !await SameHeaderBlockAsync(onServer, context, hash, ct))
                mismatched.Add(uidl);
        }
        return mismatched;
    }

    private static async Task<bool> SameHeaderBlockAsync(Stream onServer, FetchContext context, string hash, CancellationToken ct)
    {
        try
        {
            await using var original = context.OpenStored(hash);
            var now = await ReadStartAsync(onServer, ct);
            var before = await ReadStartAsync(original, ct);
            return Same(now, before);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static bool Same(byte[] now, byte[] before) => HeaderBlock(now).SequenceEqual(HeaderBlock(before));

    private static async Task<byte[]> ReadStartAsync(Stream stream, CancellationToken ct)
    {
        var buffer = new byte[MaxHeaderBytes];
        var length = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        return buffer[..length];
    }

    /// <summary>The header lines of a message, without the empty line that ends them (and without trailing line breaks
    /// when there is none). Pure; unit-tested.</summary>
    public static ReadOnlySpan<byte> HeaderBlock(ReadOnlySpan<byte> message)
    {
        var crlf = message.IndexOf("\r\n\r\n"u8);
        var lf = message.IndexOf("\n\n"u8);
        var end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf;
        if (end >= 0)
            return message[..end];
        return message.TrimEnd("\r\n"u8);
    }
}
