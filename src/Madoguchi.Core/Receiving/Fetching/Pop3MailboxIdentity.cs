using MailKit.Net.Pop3;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>Whether a POP3 mailbox still holds what Madoguchi fetched from it under the same UIDLs. A UIDL alone proves
/// nothing: servers number mailboxes alike (Dovecot's UIDLs repeat across mailboxes with the same UIDVALIDITY), so a
/// mailbox replaced or restored from elsewhere can list our UIDLs for other mail. A message is the same when the header
/// block the server gives now (<c>TOP n 0</c>) is the header block of the original stored under its UIDL, line for line
/// (Received, Message-ID and Date lines make two messages' header blocks differ), leaving out the few status lines some
/// servers add as they hand a message over. Asked for a sample at the start of every pass and for every message before
/// it is deleted; a message whose original cannot be read cannot be checked, so it is never deleted (but proves
/// nothing).</summary>
public static class Pop3MailboxIdentity
{
    /// <summary>Header blocks larger than this are compared by their first part.</summary>
    private const int MaxHeaderBytes = 256 * 1024;

    /// <summary>The outcome of a check: UIDLs whose message on the server is another message than the original stored
    /// under them (the mailbox is not the one we fetched from), and UIDLs that could not be checked (no original is
    /// recorded, or it cannot be read): never deleted, but no proof of another mailbox either.</summary>
    public sealed record Outcome(List<string> Differs, List<string> Unverifiable);

    /// <summary>Checks the messages at <paramref name="messages"/> (0-based indexes, with their UIDLs).</summary>
    public static async Task<Outcome> CheckAsync(Pop3Client client, FetchContext context, IReadOnlyList<(int Index, string Uidl)> messages, CancellationToken ct)
    {
        var outcome = new Outcome([], []);
        if (messages.Count == 0)
            return outcome;
        var stored = await context.StoredBlobsAsync([.. messages.Select(m => m.Uidl)], ct);
        var headers = await client.GetStreamsAsync([.. messages.Select(m => m.Index)], true, ct);
        for (var n = 0; n < messages.Count; n++)
        {
            await using var onServer = headers[n];
            var uidl = messages[n].Uidl;
            var same = stored.TryGetValue(uidl, out var hash) ? await SameHeaderBlockAsync(onServer, context, hash, ct) : null;
            if (same is null)
                outcome.Unverifiable.Add(uidl);
            else if (same == false)
                outcome.Differs.Add(uidl);
        }
        return outcome;
    }

    private static async Task<bool?> SameHeaderBlockAsync(Stream onServer, FetchContext context, string hash, CancellationToken ct)
    {
        byte[] before;
        try
        {
            await using var original = context.OpenStored(hash);
            before = await ReadStartAsync(original, ct);
        }
        catch (IOException)
        {
            return null;
        }
        return Same(await ReadStartAsync(onServer, ct), before);
    }

    /// <summary>Header lines some mbox-based servers add or rewrite as they hand a message over (<c>Status: RO</c> after a
    /// RETR): not part of a message's identity.</summary>
    private static readonly string[] ServerNotes = ["status:", "x-status:", "x-uidl:", "x-keywords:", "x-imap", "content-length:", "x-mozilla-status"];

    /// <summary>Whether two copies of a message have the same header block, leaving out <see cref="ServerNotes"/>. Pure; unit-tested.</summary>
    public static bool Same(byte[] now, byte[] before) => Lines(HeaderBlock(now)).SequenceEqual(Lines(HeaderBlock(before)), StringComparer.Ordinal);

    private static List<string> Lines(ReadOnlySpan<byte> block)
    {
        var lines = new List<string>();
        var skipping = false;
        foreach (var line in System.Text.Encoding.Latin1.GetString(block).Split('\n'))
        {
            var text = line.TrimEnd('\r');
            var continuation = text.Length > 0 && (text[0] == ' ' || text[0] == '\t');
            if (!continuation)
                skipping = ServerNotes.Any(n => text.StartsWith(n, StringComparison.OrdinalIgnoreCase));
            if (!skipping)
                lines.Add(text);
        }
        return lines;
    }

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
