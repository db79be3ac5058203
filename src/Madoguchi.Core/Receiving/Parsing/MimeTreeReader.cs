using System.Text;
using MimeKit;
using MimeKit.Tnef;

namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>Walks the MIME tree (iteratively, so depth cannot overflow the stack) and sorts the leaves into
/// body text, HTML and attachments, noting structural damage as it goes.</summary>
internal sealed class MimeTreeReader
{
    private readonly List<ParsedAttachment> _attachments = [];
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _html = new();
    private readonly List<string> _problems;
    private readonly ReadOnlyMemory<byte> _raw;
    private bool _hasText;
    private bool _hasHtml;

    public MimeTreeReader(ReadOnlyMemory<byte> raw, List<string> problems)
    {
        _raw = raw;
        _problems = problems;
    }

    public string? Text => _hasText ? _text.ToString() : null;

    public string? Html => _hasHtml ? _html.ToString() : null;

    public IReadOnlyList<ParsedAttachment> Attachments => _attachments;

    public void Read(MimeEntity? root)
    {
        if (root is null)
            return;

        var pending = new Stack<MimeEntity>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case Multipart multipart:
                    CheckStructure(multipart);
                    for (var i = multipart.Count - 1; i >= 0; i--)
                        pending.Push(multipart[i]);
                    break;
                case MessagePart message:
                    AddNestedMessage(message);
                    break;
                case TnefPart tnef:
                    AddTnef(tnef);
                    break;
                case MimePart part:
                    AddLeaf(part);
                    break;
            }
        }
    }

    private void CheckStructure(Multipart multipart)
    {
        if (multipart.Count == 0)
            _problems.Add("The MIME structure is broken: no part boundary was found, so the message body could not be split into parts.");
        else if (multipart.Boundary is { Length: > 0 } boundary && !HasClosingBoundary(boundary))
            _problems.Add("The MIME structure is broken: the closing boundary is missing.");
    }

    // MimeKit accepts a missing closing boundary silently and does not expose that it happened.
    private bool HasClosingBoundary(string boundary) =>
        _raw.Span.IndexOf(Encoding.Latin1.GetBytes("--" + boundary + "--")) >= 0;

    private void AddLeaf(MimePart part)
    {
        var type = part.ContentType;
        if (type.MediaType.Equals("multipart", StringComparison.OrdinalIgnoreCase))
        {
            // MimeKit stops descending at ParserOptions.MaxMimeDepth and hands the rest over as one opaque part.
            _problems.Add("The MIME structure is nested too deeply; the innermost parts are kept as one attachment.");
        }

        var fileName = AttachmentNameDecoder.Decode(Raw(part.Headers, "Content-Disposition"), Raw(part.Headers, "Content-Type"));
        var disposition = part.ContentDisposition?.Disposition;
        var isAttachment = string.Equals(disposition, ContentDisposition.Attachment, StringComparison.OrdinalIgnoreCase);
        var bytes = ContentReader.Decode(part, _problems);

        if (!isAttachment && fileName is null && type.MediaType.Equals("text", StringComparison.OrdinalIgnoreCase))
        {
            if (type.MediaSubtype.Equals("plain", StringComparison.OrdinalIgnoreCase))
            {
                Append(_text, ref _hasText, TextDecoder.Decode(bytes, type.Charset));
                return;
            }

            if (type.MediaSubtype.Equals("html", StringComparison.OrdinalIgnoreCase))
            {
                Append(_html, ref _hasHtml, TextDecoder.Decode(bytes, type.Charset));
                return;
            }
        }

        var isInline = string.Equals(disposition, ContentDisposition.Inline, StringComparison.OrdinalIgnoreCase)
            || (disposition is null && part.ContentId is not null);
        _attachments.Add(new ParsedAttachment(fileName ?? DefaultName(type.MimeType), type.MimeType, part.ContentId, isInline, bytes));
    }

    /// <summary>Several inline text parts (Apple Mail puts text, image, text) read as one body.</summary>
    private static void Append(StringBuilder target, ref bool has, string text)
    {
        if (has)
            target.Append('\n');
        target.Append(text);
        has = true;
    }

    /// <summary>A forwarded message is an attachment (.eml) with its original bytes; its own parts are not opened.</summary>
    private void AddNestedMessage(MessagePart part)
    {
        using var bytes = new MemoryStream();
        part.Message?.WriteTo(bytes);
        var fileName = AttachmentNameDecoder.Decode(Raw(part.Headers, "Content-Disposition"), Raw(part.Headers, "Content-Type"));
        if (fileName is null && part.Message is not null)
        {
            var subject = HeaderDecoder.DecodeText(Raw(part.Message.Headers, "Subject"));
            fileName = (subject.Length > 0 ? SafeFileName(subject) : "message") + ".eml";
        }

        var isInline = string.Equals(part.ContentDisposition?.Disposition, ContentDisposition.Inline, StringComparison.OrdinalIgnoreCase);
        _attachments.Add(new ParsedAttachment(fileName ?? "message.eml", part.ContentType.MimeType, part.ContentId, isInline, bytes.ToArray()));
    }

    /// <summary>winmail.dat is replaced by the files inside it; it stays only when nothing could be extracted,
    /// so the reader never sees an opaque blob when the real files are available (the raw mail keeps it anyway).</summary>
    private void AddTnef(TnefPart tnef)
    {
        var before = _attachments.Count;
        try
        {
            foreach (var inner in tnef.ExtractAttachments())
            {
                if (inner is MimePart part)
                {
                    var name = AttachmentNameDecoder.Decode(Raw(part.Headers, "Content-Disposition"), Raw(part.Headers, "Content-Type"))
                        ?? part.FileName ?? DefaultName(part.ContentType.MimeType);
                    _attachments.Add(new ParsedAttachment(name, part.ContentType.MimeType, part.ContentId, false, ContentReader.Decode(part, _problems)));
                }
            }
        }
        catch (Exception ex) when (ex is TnefException or FormatException or IOException or ArgumentException or InvalidOperationException)
        {
            _attachments.RemoveRange(before, _attachments.Count - before);
            _problems.Add("The Outlook attachment (winmail.dat) is damaged; it is kept as it is.");
        }

        if (_attachments.Count == before)
            AddLeafAsAttachment(tnef);
    }

    private void AddLeafAsAttachment(MimePart part)
    {
        var fileName = AttachmentNameDecoder.Decode(Raw(part.Headers, "Content-Disposition"), Raw(part.Headers, "Content-Type")) ?? "winmail.dat";
        _attachments.Add(new ParsedAttachment(fileName, part.ContentType.MimeType, part.ContentId, false, ContentReader.Decode(part, _problems)));
    }

    internal static byte[] Raw(HeaderList headers, string field)
    {
        var index = headers.IndexOf(field);
        return index < 0 ? [] : headers[index].RawValue;
    }

    private static string DefaultName(string mimeType) =>
        "attachment" + (MimeTypes.TryGetExtension(mimeType, out var extension) ? extension : ".bin");

    private static string SafeFileName(string subject)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var cleaned = new string(subject.Select(c => invalid.Contains(c) || c is '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c).ToArray());
        return cleaned.Length > 100 ? cleaned[..100] : cleaned;
    }
}
