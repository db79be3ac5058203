using System.Text;
using Madoguchi.Core.Tickets;
using MimeKit;

namespace Madoguchi.Core.Sending;

/// <summary>A file attached to an outgoing message.</summary>
public sealed record OutgoingAttachment(string FileName, string ContentType, byte[] Content);

/// <summary>Builds outgoing MIME, always 7-bit clean. UTF-8 by default. When the send address asks for ISO-2022-JP and every
/// text of the message (subject, display names, body, attachment names) fits JIS X 0208 (<see cref="Iso2022JpText"/>), the
/// body is ISO-2022-JP (7bit) and headers and attachment names are RFC 2047 encoded words in ISO-2022-JP, as old Japanese
/// mail clients expect; otherwise the whole message is UTF-8 after all, so nothing is ever lost. The only change ISO-2022-JP
/// makes is the one every Japanese mail client makes: a Unicode variant of a JIS character (〜 U+301C, − U+2212 …) is sent
/// as that JIS character (<see cref="Iso2022JpText.ToJis"/>).</summary>
public static class OutgoingMime
{
    public static MimeMessage Build(SendAddress from, IReadOnlyList<MailboxAddress> to, IReadOnlyList<MailboxAddress> cc, string subject,
        string? text, string? html, string messageId, TicketMessage? original, DateTimeOffset date, IReadOnlyList<OutgoingAttachment>? attachments = null)
    {
        attachments ??= [];
        var japanese = from.Iso2022Jp
            && Iso2022JpText.Fits([subject, from.DisplayName, text ?? "", html ?? "", .. to.Concat(cc).Select(a => a.Name ?? ""), .. attachments.Select(a => a.FileName)]);
        var encoding = japanese ? Iso2022JpText.Encoding : Encoding.UTF8;
        // In ISO-2022-JP, the Unicode variants of JIS characters (〜 U+301C …) travel as the JIS code point (Iso2022JpText.ToJis).
        string Jis(string? value) => japanese ? Iso2022JpText.ToJis(value ?? "") : value ?? "";
        var message = new MimeMessage { Date = date, MessageId = messageId };
        message.From.Add(new MailboxAddress(encoding, Jis(from.DisplayName), from.Address));
        foreach (var a in to)
            message.To.Add(new MailboxAddress(encoding, a.Name is null ? null : Jis(a.Name), a.Address));
        foreach (var a in cc)
            message.Cc.Add(new MailboxAddress(encoding, a.Name is null ? null : Jis(a.Name), a.Address));
        message.Headers.Replace(HeaderId.Subject, encoding, Jis(subject));
        if (original is not null)
        {
            message.InReplyTo = original.MessageIdHeader;
            foreach (var id in References(original))
                message.References.Add(id);
        }
        var plain = new TextPart("plain");
        plain.SetText(encoding, Jis(text));
        MimeEntity body = plain;
        if (html is not null)
        {
            var rich = new TextPart("html");
            rich.SetText(encoding, Jis(html));
            body = new MultipartAlternative { plain, rich };
        }
        if (attachments.Count > 0)
        {
            var mixed = new Multipart("mixed") { body };
            foreach (var a in attachments)
                mixed.Add(Attachment(a with { FileName = Jis(a.FileName) }, encoding, japanese));
            body = mixed;
        }
        message.Body = body;
        message.Prepare(EncodingConstraint.SevenBit);
        return message;
    }

    /// <summary>The original's References (or its In-Reply-To) followed by its own Message-ID.</summary>
    public static List<string> References(TicketMessage? original)
    {
        if (original is null)
            return [];
        var ids = original.References?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList()
            ?? (original.InReplyTo is { } parent ? [parent] : []);
        ids.Add(original.MessageIdHeader);
        return ids;
    }

    private static MimePart Attachment(OutgoingAttachment a, Encoding encoding, bool japanese)
    {
        var type = ContentType.TryParse(a.ContentType, out var parsed) ? parsed : new ContentType("application", "octet-stream");
        type.Parameters.Remove("name");
        type.Parameters.Add(encoding, "name", a.FileName);
        var disposition = new ContentDisposition(ContentDisposition.Attachment);
        disposition.Parameters.Add(encoding, "filename", a.FileName);
        // Old Japanese clients read encoded words in parameters, not RFC 2231; UTF-8 names use the standard RFC 2231.
        var method = japanese ? ParameterEncodingMethod.Rfc2047 : ParameterEncodingMethod.Rfc2231;
        foreach (var p in type.Parameters.Concat(disposition.Parameters))
            p.EncodingMethod = method;
        return new MimePart(type)
        {
            Content = new MimeContent(new MemoryStream(a.Content, writable: false)),
            ContentDisposition = disposition,
            ContentTransferEncoding = ContentEncoding.Base64,
        };
    }
}

/// <summary>Whether text can travel as ISO-2022-JP: every character is ASCII or in JIS X 0208 (rows 1–8 and 16–84), after
/// <see cref="ToJis"/>. Half-width katakana (which the ISO-2022-JP encoder would silently widen) and the vendor extensions of
/// CP932 (NEC row 13 such as ① and ㈱, the IBM rows such as 髙) are outside it, as are emoji and other scripts.</summary>
public static class Iso2022JpText
{
    /// <summary>JIS X 0208 characters that have two Unicode code points: the one JIS's own table, Japanese input methods and
    /// Macs use (〜 WAVE DASH U+301C) and the one Windows (CP932) and .NET's ISO-2022-JP encoder use (～ FULLWIDTH TILDE
    /// U+FF5E). Both stand for the same JIS code point; the first is mapped to the second so that the encoder writes that code
    /// point. Readers decode it as the CP932 character (.NET, MimeKit, Windows clients) or the JIS one (iconv, macOS).</summary>
    private static readonly Dictionary<char, char> Variants = new()
    {
        ['\u301C'] = '\uFF5E', // 〜 WAVE DASH → ～ (JIS row 1 cell 33, 0x2141)
        ['\u2016'] = '\u2225', // ‖ DOUBLE VERTICAL LINE → ∥ (1-34, 0x2142)
        ['\u2212'] = '\uFF0D', // − MINUS SIGN → － (1-61, 0x215D)
        ['\u00A2'] = '\uFFE0', // ¢ → ￠ (1-81, 0x2171)
        ['\u00A3'] = '\uFFE1', // £ → ￡ (1-82, 0x2172)
        ['\u00AC'] = '\uFFE2', // ¬ → ￢ (2-44, 0x224C)
        ['\u2014'] = '\u2015', // — EM DASH → ― (1-29, 0x213D)
    };

    private static readonly System.Buffers.SearchValues<char> VariantChars = System.Buffers.SearchValues.Create([.. Variants.Keys]);

    /// <summary>The text with each Unicode variant of a JIS X 0208 character replaced by the code point the ISO-2022-JP encoder
    /// writes as that JIS character (<see cref="Variants"/>); everything else unchanged.</summary>
    public static string ToJis(string value)
    {
        if (value.AsSpan().IndexOfAny(VariantChars) < 0)
            return value;
        var chars = value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (Variants.TryGetValue(chars[i], out var jis))
                chars[i] = jis;
        return new string(chars);
    }

    static Iso2022JpText() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Encoding { get; } = CreateEncoding();

    private static Encoding CreateEncoding()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding("iso-2022-jp", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    public static bool Fits(IEnumerable<string> values) => values.All(Fits);

    public static bool Fits(string value)
    {
        if (value.All(c => c < 0x80))
            return true;
        value = ToJis(value);
        byte[] bytes;
        try
        {
            bytes = Encoding.GetBytes(value);
            if (Encoding.GetString(bytes) != value)
                return false;
        }
        catch (Exception e) when (e is EncoderFallbackException or DecoderFallbackException)
        {
            return false;
        }
        var twoBytes = false;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == 0x1B)
            {
                if (i + 2 >= bytes.Length)
                    return false;
                var set = (bytes[i + 1], bytes[i + 2]);
                if (set is ((byte)'$', (byte)'B') or ((byte)'$', (byte)'@'))
                    twoBytes = true;
                else if (set is ((byte)'(', (byte)'B') or ((byte)'(', (byte)'J'))
                    twoBytes = false;
                else
                    return false; // JIS X 0201 katakana or anything else
                i += 2;
                continue;
            }
            if (!twoBytes)
                continue;
            var row = bytes[i] - 0x20;
            if (row is not ((>= 1 and <= 8) or (>= 16 and <= 84)))
                return false;
            i++;
        }
        return true;
    }
}
