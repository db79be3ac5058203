using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Sending;

/// <summary>VERP (variable envelope return path): with <see cref="SendAddress.Verp"/> on, a message's envelope sender is
/// <c>local+m-token@domain</c>, where the token is 26 random base32 characters (128 bits, not guessable) made for that
/// message (<see cref="OutgoingMessage.VerpToken"/>). A bounce goes back to the envelope sender, so the address it arrived
/// at (To, Delivered-To, X-Original-To, Envelope-To) names the message even when the bounce quotes nothing of it. The mail
/// server must deliver <c>local+anything@domain</c> into the mailbox of <c>local@domain</c> (plus addressing; Postfix
/// <c>recipient_delimiter = +</c>, most hosted mail services by default). Pure except <see cref="EnvelopeAsync"/>.</summary>
public static partial class Verp
{
    public const int TokenLength = 26;
    private const string Tag = "+m-";
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    /// <summary>Headers that carry the address a bounce was delivered to.</summary>
    private static readonly string[] RecipientHeaders = ["to", "delivered-to", "x-original-to", "envelope-to", "x-envelope-to", "x-delivered-to"];

    /// <summary>128 random bits in lower-case base32: survives servers that lower-case the local part.</summary>
    public static string NewToken()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        var text = new StringBuilder(TokenLength);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0)
            text.Append(Alphabet[(buffer << (5 - bits)) & 31]);
        return text.ToString();
    }

    /// <summary><c>local+m-token@domain</c>; null when the local part would be longer than RFC 5321's 64 characters.</summary>
    public static string? Address(string address, string token)
    {
        var at = address.LastIndexOf('@');
        if (at <= 0)
            return null;
        var local = address[..at] + Tag + token;
        return local.Length > 64 ? null : local + address[at..];
    }

    /// <summary>The token of a VERP address, lower-cased; null when the address is not one.</summary>
    public static string? TokenOf(string address) => TokenPattern().Match(address) is { Success: true } m ? m.Groups[1].Value.ToLowerInvariant() : null;

    /// <summary>The VERP tokens in the header block of a mail (the headers that say where it was delivered).</summary>
    public static IReadOnlyList<string> TokensIn(ReadOnlySpan<byte> mail)
    {
        var end = HeaderEnd(mail);
        var block = Encoding.Latin1.GetString(mail[..end]);
        var tokens = new List<string>();
        string? name = null;
        var value = new StringBuilder();
        void Flush()
        {
            if (name is not null && RecipientHeaders.Contains(name))
                foreach (Match m in TokenPattern().Matches(value.ToString()))
                {
                    var token = m.Groups[1].Value.ToLowerInvariant();
                    if (!tokens.Contains(token))
                        tokens.Add(token);
                }
            name = null;
            value.Clear();
        }
        foreach (var rawLine in block.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t'))
            {
                value.Append(line);
                continue;
            }
            Flush();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                name = line[..colon].Trim().ToLowerInvariant();
                value.Append(line.AsSpan(colon + 1));
            }
        }
        Flush();
        return tokens;
    }

    /// <summary>The envelope sender for one attempt: the plain address, or with VERP on the message's VERP address. The
    /// token is made at the first attempt and kept (a conditional UPDATE, so two attempts never make two).</summary>
    public static async Task<string> EnvelopeAsync(MadoguchiDbContext db, OutgoingMessage outgoing, SendAddress address, CancellationToken ct)
    {
        if (!address.Verp)
            return outgoing.EnvelopeFrom;
        var token = outgoing.VerpToken;
        if (token is null)
        {
            var made = NewToken();
            await db.OutgoingMessages.Where(o => o.TicketMessageId == outgoing.TicketMessageId && o.VerpToken == null)
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.VerpToken, made), ct);
            token = await db.OutgoingMessages.Where(o => o.TicketMessageId == outgoing.TicketMessageId).Select(o => o.VerpToken).SingleAsync(ct) ?? made;
        }
        return Address(outgoing.EnvelopeFrom, token) ?? outgoing.EnvelopeFrom;
    }

    private static int HeaderEnd(ReadOnlySpan<byte> mail)
    {
        var crlf = mail.IndexOf("\r\n\r\n"u8);
        var lf = mail.IndexOf("\n\n"u8);
        var end = crlf < 0 ? lf : lf < 0 ? crlf : Math.Min(crlf, lf);
        return end < 0 ? Math.Min(mail.Length, 64 * 1024) : Math.Min(end, 64 * 1024);
    }

    [GeneratedRegex(@"\+m-([a-z2-7]{26})@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();
}
