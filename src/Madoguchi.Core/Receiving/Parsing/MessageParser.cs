using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>The parse step of the Receiving pipeline: raw message bytes in, <see cref="ParsedMessage"/> out.
/// Never throws on bad input; what could not be read is described in <see cref="ParsedMessage.ReadProblem"/>.
/// Pure: no database, no network, safe to re-run on stored raw mail.</summary>
public sealed class MessageParser
{
    // Real mail nests a handful of levels; beyond this MimeKit hands the rest over as one opaque part.
    private const int MaxMimeDepth = 128;

    // Text shown for a message whose headers could not be read at all; more is useless to a reader.
    private const int MaxFallbackTextBytes = 1024 * 1024;

    private static readonly ParserOptions Options = new()
    {
        MaxMimeDepth = MaxMimeDepth,
        AddressParserComplianceMode = RfcComplianceMode.Looser,
        ParameterComplianceMode = RfcComplianceMode.Looser,
        Rfc2047ComplianceMode = RfcComplianceMode.Looser,
        AllowAddressesWithoutDomain = true,
        RespectContentLength = false,
    };

    static MessageParser() => Charsets.EnsureRegistered();

    public ParsedMessage Parse(Stream raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        using var buffer = new MemoryStream();
        raw.CopyTo(buffer);
        return Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    /// <summary>Every string of the result is free of U+0000 (<see cref="StorableText"/>).</summary>
    public ParsedMessage Parse(ReadOnlyMemory<byte> raw) => StorableText.Clean(ParseUncleaned(raw));

    private static ParsedMessage ParseUncleaned(ReadOnlyMemory<byte> raw)
    {
        if (raw.IsEmpty)
            return Unreadable(raw, "The message is empty.");

        try
        {
            return ParseMime(raw);
        }
        catch (FormatException)
        {
            return Unreadable(raw, "The message headers could not be read; the raw content is shown as text.");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The contract is "never throws": a parser bug must cost one message its structure, not the pipeline.
            return Unreadable(raw, "The message could not be read (" + ex.GetType().Name + "); the raw content is shown as text.");
        }
    }

    private static ParsedMessage ParseMime(ReadOnlyMemory<byte> raw)
    {
        using var stream = ReadOnlyStream(HeaderBlockUnfolder.UnfoldIfExcessive(raw));
        // Persistent: the parts' contents are views of the stream (read below, before it closes), not copies of it.
        // Disposed at the end, which spares every part MimeKit's finaliser (it would outlive a collection for it).
        using var message = ThreadMimeParser.ParseMessage(Options, stream, persistent: true);
        var headers = message.Headers;
        var problems = new List<string>();
        if (headers.Count == 0)
            problems.Add("The message has no headers.");

        var tree = new MimeTreeReader(raw, problems);
        tree.Read(message.Body);

        var (messageId, synthesized) = ReadMessageId(message, raw.Span);
        return new ParsedMessage
        {
            MessageId = messageId,
            MessageIdSynthesized = synthesized,
            InReplyTo = Clean(message.InReplyTo),
            References = message.References.Select(Clean).OfType<string>().ToList(),
            Subject = HeaderDecoder.DecodeText(MimeTreeReader.Raw(headers, "Subject")),
            From = AddressDecoder.Decode(MimeTreeReader.Raw(headers, "From")),
            To = AddressDecoder.Decode(MimeTreeReader.Raw(headers, "To")),
            Cc = AddressDecoder.Decode(MimeTreeReader.Raw(headers, "Cc")),
            ReplyTo = AddressDecoder.Decode(MimeTreeReader.Raw(headers, "Reply-To")),
            Date = ReadDate(headers),
            Text = tree.Text,
            Html = tree.Html,
            Attachments = tree.Attachments,
            AutoReply = AutoReplyHeaders.Read(headers),
            SpamFlagged = AutoReplyHeaders.IsSpamFlagged(headers),
            ReadProblem = problems.Count == 0 ? null : string.Join(" ", problems.Distinct()),
        };
    }

    /// <summary>Wraps the caller's array instead of copying the whole message (the pipeline hands us one array per original).</summary>
    private static MemoryStream ReadOnlyStream(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);

    /// <summary>Headers unreadable: keep a stable id and show the bytes as text, so nothing is silently lost.</summary>
    private static ParsedMessage Unreadable(ReadOnlyMemory<byte> raw, string problem)
    {
        var slice = raw.Span[..Math.Min(raw.Length, MaxFallbackTextBytes)];
        return new ParsedMessage
        {
            MessageId = SynthesizedId(raw.Span),
            MessageIdSynthesized = true,
            Text = slice.IsEmpty ? null : new string(TextDecoder.Decode(slice, null).Where(c => !char.IsControl(c) || c is '\r' or '\n' or '\t').ToArray()),
            ReadProblem = problem,
        };
    }

    private static (string Id, bool Synthesized) ReadMessageId(MimeMessage message, ReadOnlySpan<byte> raw)
    {
        var id = Clean(message.MessageId);
        if (id is null && message.Headers["Message-ID"] is { } value)
            id = Clean(value.Trim().Trim('<', '>'));
        return id is null ? (SynthesizedId(raw), true) : (id, false);
    }

    /// <summary>Same bytes, same id: re-running the pipeline on stored raw mail must not create a new thread key.</summary>
    private static string SynthesizedId(ReadOnlySpan<byte> raw) =>
        Convert.ToHexStringLower(SHA256.HashData(raw)) + "@madoguchi.invalid";

    private static DateTime? ReadDate(HeaderList headers)
    {
        var raw = MimeTreeReader.Raw(headers, "Date");
        if (raw.Length == 0)
            return null;

        var text = Encoding.Latin1.GetString(raw).Trim();
        return DateUtils.TryParse(text, out DateTimeOffset date) ? date.UtcDateTime : null;
    }

    private static string? Clean(string? id)
    {
        var trimmed = id?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed;
    }
}
