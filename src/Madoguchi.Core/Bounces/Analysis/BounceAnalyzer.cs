using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Madoguchi.Core.Receiving.Parsing;
using MimeKit;

namespace Madoguchi.Core.Bounces.Analysis;

/// <summary>Tells delivery failure reports from everything else and reads what they say. General rules: the RFC 3464
/// report structure when present; otherwise the signs every server's own format shares (a mailer-daemon sender or a
/// failure subject, the returned original, addresses set apart at the start of a line, enhanced status codes, SMTP reply
/// codes, and classes of diagnostic phrases); and for a few servers, known by their own header marks, what their words
/// mean to the reference labels (<see cref="ReportingServer"/>). Thread-safe and without state.</summary>
public static partial class BounceAnalyzer
{
    private const int MaxDiagnostic = 600;


    public static BounceReport Analyze(MimeMessage message) => Analyze(message, depth: 0);

    private static BounceReport Analyze(MimeMessage message, int depth)
    {
        var parts = new Parts();
        Collect(message.Body, parts, depth: 0);
        var subject = message.Subject ?? "";
        // HTML is turned into text only when the report has no plain text part.
        var text = parts.Text.Length > 0 ? parts.Text.ToString() : HtmlToText(parts.Html);
        // The text's own test first: it is cheaper than the sender's, and almost every report fails it.
        if (HasSesFields(parts.Text.ToString()) && FromAmazon(message) && SesNotification(parts.Text.ToString()) is { } ses)
            return ses;
        var (bounceText, inline, inlineStart) = SplitInlineOriginal(text);
        var report = new ReportText(subject, bounceText, message.Headers);
        var returned = parts.Returned ?? inline;
        var originalId = Clean(returned?.MessageId);
        var originalInReplyTo = Clean(returned?.InReplyTo);

        var contentType = message.Body?.ContentType;
        var reportType = contentType?.Parameters["report-type"] ?? "";
        if (parts.Feedback || reportType.Equals("feedback-report", StringComparison.OrdinalIgnoreCase))
            return new BounceReport(BounceClass.Feedback, FeedbackRecipients(parts, message), originalId, originalInReplyTo);

        var groups = parts.DeliveryStatus.Count > 0 ? parts.DeliveryStatus : TextFieldGroups(bounceText);
        var recipientGroups = groups.Where(g => g.ContainsKey("Final-Recipient") || g.ContainsKey("Original-Recipient")).ToList();
        if (recipientGroups.Count > 0)
        {
            var failed = new List<BouncedRecipient>();
            var delivered = 0;
            foreach (var group in recipientGroups)
            {
                var action = group.GetValueOrDefault("Action", "").Trim().ToLowerInvariant();
                if (action.StartsWith("deliver", StringComparison.Ordinal) || action is "relayed" or "expanded")
                {
                    delivered++;
                    continue;
                }
                // A Final-Recipient that is no mail address (a source route, a bare local name) leaves the Original-Recipient.
                var address = Address(ReportFields.AfterType(group.GetValueOrDefault("Final-Recipient", "")))
                    ?? Address(ReportFields.AfterType(group.GetValueOrDefault("Original-Recipient", "")));
                if (address is null || failed.Any(f => f.Address == address))
                    continue;
                var rawDiagnostic = group.GetValueOrDefault("Diagnostic-Code", "").Trim();
                var diagnostic = OneLine(ReportFields.AfterType(rawDiagnostic));
                var near = NearAddress(report, address);
                if (diagnostic.Length == 0)
                    diagnostic = near;
                var fieldStatus = StatusOf(group.GetValueOrDefault("Status", ""));
                // The recipient's own Status and Diagnostic-Code fields are its report: a code written elsewhere in the
                // text (about another recipient, or the reporting server's summary) does not replace them.
                var recipient = Recipient(address, fieldStatus, diagnostic, near, report, recipientGroups.Count, returned?.Addresses,
                    ownReport: rawDiagnostic.Length > 0 && fieldStatus.Length > 0);
                // Nothing beside the only failed address: the report's reply line is the remote server's words (shown,
                // not read for the status: the report's own fields and words decided that).
                if (recipient.Diagnostic.Length == 0 && recipientGroups.Count == 1)
                    recipient = recipient with { Diagnostic = Cut(FirstReplyLine(report)) };
                // Diagnostic type X-Unix: a local program (a pipe) failed; its exit code alone says no more than that.
                if (recipient.Reason == BounceReasons.OnHold && rawDiagnostic.StartsWith("x-unix", StringComparison.OrdinalIgnoreCase))
                    recipient = recipient with { Reason = BounceReasons.MailerError };
                failed.Add(recipient);
            }
            if (failed.Count > 0)
                return new BounceReport(BounceClass.Bounce, failed, originalId, originalInReplyTo);
            if (delivered > 0)
                return new BounceReport(BounceClass.Delivered, [], originalId, originalInReplyTo);
        }

        if (IsUnsubscribeRequest(message, subject))
            return new BounceReport(BounceClass.Feedback, FromAddresses(message), originalId, originalInReplyTo);
        var bounceLike = LooksLikeBounce(message, report, returned is not null);
        if (!bounceLike && IsAutoReply(message, subject))
            return new BounceReport(BounceClass.Vacation, [], originalId, originalInReplyTo);
        if (!bounceLike)
            return BounceReport.NotBounce;

        // A report forwarded with the original report attached (a relay or filter passing on what it got back).
        if (depth < 2 && parts.Attached is { } attached && IsReportItself(attached) && Analyze(attached, depth + 1) is { IsBounce: true } inner)
            return inner;
        // A report pasted as text into another one (a provider's notice around the server's own report).
        if (depth < 2 && inline is { IsReport: true } && inlineStart >= 0 && Load(text[inlineStart..]) is { } pasted)
        {
            using (pasted)
            {
                if (Analyze(pasted, depth + 1) is { IsBounce: true } innerPasted)
                    return innerPasted;
            }
        }
        var recipients = FreeTextRecipients(message, report, returned);
        if (recipients.Count == 0)
            return BounceReport.NotBounce;
        return new BounceReport(BounceClass.Bounce, recipients, originalId, originalInReplyTo);
    }

    /// <summary>A cheap look at the header block: false means the message cannot be a delivery failure report (no
    /// report content type, no system sender, no null return path, no failure subject), so it need not be parsed.
    /// Encoded words and raw 8-bit or JIS text (a Japanese subject, a sender's name) are decoded before looking for
    /// the words: most Japanese mail has them, and parsing all of it a second time cost the pipeline a whole extra parse.</summary>
    public static bool MayBeReport(ReadOnlySpan<byte> original)
    {
        var end = original.IndexOf("\n\n"u8);
        var crlf = original.IndexOf("\r\n\r\n"u8);
        if (crlf >= 0 && (end < 0 || crlf < end))
            end = crlf;
        var header = end < 0 ? original : original[..end];
        if (header.Length > 65536)
            header = header[..65536];
        if (HasReportWords(Encoding.Latin1.GetString(header)))
            return true;
        var plain = Ascii.IsValid(header) && header.IndexOf((byte)0x1B) < 0 && header.IndexOf("=?"u8) < 0;
        if (plain)
            return false;
        try
        {
            return HasReportWords(HeaderDecoder.DecodeText(header));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Headers the decoder cannot read: the whole analysis decides, as it did for all such mail before.
            return true;
        }
    }

    /// <summary>Searched case-insensitively in place: a lower-cased copy of every header block was garbage for the
    /// collector on every message of an import.</summary>
    private static bool HasReportWords(string header) =>
        SystemHeaderWords.Any(w => header.Contains(w, StringComparison.OrdinalIgnoreCase))
        || FailureSubjectWords.Any(w => header.Contains(w, StringComparison.OrdinalIgnoreCase));

    private static readonly string[] SystemHeaderWords =
    [
        "multipart/report", "x-failed-recipients", "mailer-daemon", "mailer daemon", "postmaster", "mail delivery", "mail-daemon",
        "maildelivery", "mail administrator", "mail system", "<>", "post_master", "x-amz-sns",
    ];

    private sealed class Parts
    {
        public TextPieces Text { get; } = new();
        public TextPieces Html { get; } = new();
        public List<Dictionary<string, string>> DeliveryStatus { get; } = [];
        public bool Feedback { get; set; }
        public List<Dictionary<string, string>> FeedbackFields { get; } = [];
        public ReturnedHeaders? Returned { get; set; }
        public MimeMessage? Attached { get; set; }
    }

    /// <summary>The texts of a report's parts, joined only once when read (one copy instead of a builder's two).</summary>
    private sealed class TextPieces
    {
        private readonly List<string> _pieces = [];
        private string? _joined;

        public int Length { get; private set; }

        public TextPieces Append(string? piece)
        {
            if (!string.IsNullOrEmpty(piece))
            {
                _pieces.Add(piece);
                Length += piece.Length;
                _joined = null;
            }
            return this;
        }

        public TextPieces Append(char c) => Append(c == '\n' ? "\n" : c.ToString());

        /// <summary>The pieces, one after the other, into <paramref name="destination"/> (at least <see cref="Length"/> long).</summary>
        public void CopyTo(Span<char> destination)
        {
            foreach (var piece in _pieces)
            {
                piece.AsSpan().CopyTo(destination);
                destination = destination[piece.Length..];
            }
        }

        public override string ToString() => _joined ??= _pieces.Count == 1 ? _pieces[0] : string.Create(Length, _pieces, static (span, pieces) =>
        {
            foreach (var piece in pieces)
            {
                piece.AsSpan().CopyTo(span);
                span = span[piece.Length..];
            }
        });
    }

    /// <param name="IsReport">The returned "original" is itself a delivery report (from a mailer daemon, or multipart/report).</param>
    private sealed record ReturnedHeaders(string? MessageId, string? InReplyTo, IReadOnlyList<string> Addresses, string? To, bool IsReport = false);

    private static void Collect(MimeEntity? entity, Parts parts, int depth)
    {
        switch (entity)
        {
            case null:
                return;
            case Multipart multipart:
                if (multipart.Count == 0)
                    parts.Text.Append(multipart.Preamble).Append('\n').Append(multipart.Epilogue).Append('\n');
                foreach (var child in multipart)
                    Collect(child, parts, depth + 1);
                return;
            case MessagePart messagePart:
                var type = messagePart.ContentType.MediaSubtype.ToLowerInvariant();
                if (type is "delivery-status" or "global-delivery-status")
                {
                    // MimeKit parses these as a message; read the raw fields ourselves.
                    var fields = Buffers.Current.Decoded(buffer => messagePart.Message?.WriteTo(buffer), bytes => Encoding.UTF8.GetString(bytes.Span));
                    parts.DeliveryStatus.AddRange(ReportFields.ReadGroups(fields));
                    return;
                }
                if (type is "feedback-report")
                {
                    parts.Feedback = true;
                    return;
                }
                if (messagePart.Message is { } inner && parts.Returned is null)
                {
                    parts.Returned = FromHeaders(inner.Headers);
                    parts.Attached = inner;
                }
                return;
            case MimePart part:
                var subtype = part.ContentType.MediaSubtype.ToLowerInvariant();
                var mediaType = part.ContentType.MediaType.ToLowerInvariant();
                if (subtype is "delivery-status" or "global-delivery-status")
                {
                    parts.DeliveryStatus.AddRange(ReportFields.ReadGroups(Decode(part)));
                    return;
                }
                if (subtype == "feedback-report")
                {
                    parts.Feedback = true;
                    return;
                }
                if (subtype is "rfc822-headers" or "rfc822" || (mediaType == "message" && subtype is "global" or "global-headers"))
                {
                    var headersText = Decode(part);
                    if (parts.Returned is null)
                        parts.Returned = FromHeaders(HeaderText(headersText));
                    return;
                }
                if (part is TextPart textPart && (!part.IsAttachment || depth <= 1))
                {
                    if (textPart.IsHtml && parts.Text.Length > 0)
                        return;
                    var body = DecodeText(textPart);
                    if (textPart.IsHtml)
                        parts.Html.Append(body).Append('\n');
                    else
                        parts.Text.Append(body.Replace("\r\n", "\n", StringComparison.Ordinal)).Append('\n');
                }
                return;
        }
    }

    private static string Decode(MimePart part) =>
        Buffers.Current.Decoded(buffer => part.Content?.DecodeTo(buffer), bytes => Encoding.UTF8.GetString(bytes.Span))
            .Replace("\r\n", "\n", StringComparison.Ordinal);

    private static HeaderList HeaderText(string text)
    {
        try
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n\r\n"));
            return ThreadMimeParser.ParseHeaders(ParserOptions.Default, stream);
        }
        catch (FormatException)
        {
            return [];
        }
    }

    private static ReturnedHeaders FromHeaders(HeaderList headers)
    {
        var addresses = new List<string>();
        foreach (var name in (ReadOnlySpan<HeaderId>)[HeaderId.From, HeaderId.Sender, HeaderId.ReturnPath, HeaderId.ReplyTo])
        {
            foreach (var header in headers)
            {
                if (header.Id != name)
                    continue;
                foreach (var m in AddressPattern().EnumerateMatches(header.Value))
                    addresses.Add(header.Value.Substring(m.Index, m.Length).ToLowerInvariant());
            }
        }
        var from = (headers["From"] ?? "").ToLowerInvariant();
        var isReport = from.Contains("mailer-daemon", StringComparison.Ordinal) || from.Contains("postmaster", StringComparison.Ordinal)
            || (headers["Content-Type"] ?? "").Contains("multipart/report", StringComparison.OrdinalIgnoreCase);
        return new ReturnedHeaders(headers["Message-ID"], headers["In-Reply-To"], addresses, headers["To"], isReport);
    }

    private static string? Clean(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
            return null;
        var value = id.Trim();
        var open = value.IndexOf('<');
        var close = value.IndexOf('>', open + 1);
        if (open >= 0 && close > open)
            value = value[(open + 1)..close];
        return value.Trim().Length == 0 ? null : value.Trim();
    }

    /// <summary>Servers that paste the original message into plain text: the bounce's own words end where a block of
    /// ordinary message headers begins.</summary>
    /// <returns>The bounce's own words, the pasted original's headers and where in <paramref name="text"/> it begins (-1: none).</returns>
    private static (string BounceText, ReturnedHeaders? Inline, int InlineStart) SplitInlineOriginal(string text)
    {
        // A header block needs one identifying header: without any of their names there is nothing to split.
        if (!text.Contains("from:", StringComparison.OrdinalIgnoreCase) && !text.Contains("message-id:", StringComparison.OrdinalIgnoreCase)
            && !text.Contains("return-path:", StringComparison.OrdinalIgnoreCase) && !text.Contains("received:", StringComparison.OrdinalIgnoreCase))
            return (text, null, -1);
        // Lines as offsets into the text (line k is text[starts[k] .. starts[k + 1] - 1]), read as spans: no string per line.
        var starts = new List<int> { 0 };
        for (var at = text.IndexOf('\n'); at >= 0; at = text.IndexOf('\n', at + 1))
            starts.Add(at + 1);
        starts.Add(text.Length + 1);
        var count = starts.Count - 1;
        ReadOnlySpan<char> Line(int k) => text.AsSpan(starts[k], starts[k + 1] - 1 - starts[k]);
        for (var i = 0; i < count; i++)
        {
            // A header line has a colon: the others need no regex.
            if (!Line(i).Contains(':') || !OriginalHeaderStart().IsMatch(Line(i)))
                continue;
            var seen = 0;
            var identifying = false;
            for (var j = i; j < Math.Min(count, i + 60) && !Line(j).IsWhiteSpace(); j++)
            {
                if (KeyHeaderLine().IsMatch(Line(j)))
                {
                    seen++;
                    identifying |= IdentifyingHeaderLine().IsMatch(Line(j));
                }
            }
            if (seen < 3 || !identifying)
                continue;
            var end = i;
            while (end < count && !Line(end).IsWhiteSpace())
                end++;
            var block = new StringBuilder();
            for (var k = i; k < end; k++)
                block.Append(Line(k).TrimStart()).Append('\n');
            var headers = HeaderText(block.ToString(0, Math.Max(0, block.Length - 1)));
            return (i == 0 ? "" : text[..(starts[i] - 1)], FromHeaders(headers), starts[i]);
        }
        return (text, null, -1);
    }

    [GeneratedRegex(@"^\s{0,4}(Return-Path|Received|Message-I[Dd]|From|To|Subject|Date|Delivered-To|MIME-Version|Reply-To|DKIM-Signature|X-[A-Za-z0-9-]+|Authentication-Results|Content-Type):[ \t]", RegexOptions.IgnoreCase)]
    private static partial Regex OriginalHeaderStart();

    [GeneratedRegex(@"^\s{0,4}(From|To|Subject|Date|Message-I[Dd]|MIME-Version|Return-Path|Received):[ \t]", RegexOptions.IgnoreCase)]
    private static partial Regex KeyHeaderLine();

    [GeneratedRegex(@"^\s{0,4}(From|Message-I[Dd]|Return-Path|Received):[ \t]", RegexOptions.IgnoreCase)]
    private static partial Regex IdentifyingHeaderLine();

    private static List<Dictionary<string, string>> TextFieldGroups(string text)
    {
        if (!text.Contains("Final-Recipient:", StringComparison.OrdinalIgnoreCase) && !text.Contains("Original-Recipient:", StringComparison.OrdinalIgnoreCase))
            return [];
        var groups = ReportFields.ReadGroups(text);
        // A report forwarded by a person, quoted line by line ("> Status: 5.2.0"): its fields are read without the quoting.
        if (!groups.Any(g => g.ContainsKey("Final-Recipient") || g.ContainsKey("Original-Recipient")) && text.Contains("\n>", StringComparison.Ordinal))
            groups = ReportFields.ReadGroups(QuoteMark().Replace(text, ""));
        return groups;
    }

    [GeneratedRegex(@"^> ?", RegexOptions.Multiline)]
    private static partial Regex QuoteMark();

    private static List<BouncedRecipient> FeedbackRecipients(Parts parts, MimeMessage message)
    {
        var list = new List<BouncedRecipient>();
        var to = parts.Returned?.To;
        foreach (Match m in AddressPattern().Matches(to ?? ""))
            list.Add(new BouncedRecipient(m.Value.ToLowerInvariant(), "", "", BounceReasons.Feedback, false, ""));
        return list;
    }

    private static HashSet<string> ExcludedAddresses(MimeMessage message, ReturnedHeaders? returned)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in message.Headers)
        {
            if (header.Id is not (HeaderId.To or HeaderId.Cc or HeaderId.From or HeaderId.ReplyTo or HeaderId.ReturnPath or HeaderId.Sender))
                continue;
            var value = header.Value;
            foreach (var m in AddressPattern().EnumerateMatches(value))
                set.Add(value.Substring(m.Index, m.Length));
        }
        if (returned is not null)
            set.UnionWith(returned.Addresses);
        return set;
    }

    private static MimeMessage? Load(string text)
    {
        try
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text), writable: false);
            return ThreadMimeParser.ParseMessage(ParserOptions.Default, stream, persistent: false);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The text of a part the way receiving reads it: the declared charset while the bytes agree, else the
    /// detected one (Japanese servers send ISO-2022-JP, Shift_JIS and EUC-JP with missing or wrong labels).</summary>
    private static string DecodeText(TextPart part)
    {
        return Buffers.Current.Decoded(buffer => part.Content?.DecodeTo(buffer), bytes => TextDecoder.Decode(bytes.Span, part.ContentType.Charset));
    }

    /// <summary>Amazon SES notifications (mailed directly or through SNS): a JSON document with notificationType (or
    /// eventType) Bounce, Complaint or Delivery and the recipients with their status and diagnostic.</summary>
    /// <summary>Only Amazon's own notifications are read as such: a customer quoting one in a mail stays a customer's mail.</summary>
    private static bool FromAmazon(MimeMessage message)
    {
        if (message.Headers.Contains("x-amz-sns-message-id"))
            return true;
        var from = (message.Headers["From"] ?? "").ToLowerInvariant();
        return from.Contains("amazonaws.com", StringComparison.Ordinal) || from.Contains("amazonses.com", StringComparison.Ordinal);
    }

    private static bool HasSesFields(string text) =>
        text.Contains("\"notificationType\"", StringComparison.Ordinal) || text.Contains("\"eventType\"", StringComparison.Ordinal)
        || text.Contains("\\\"notificationType\\\"", StringComparison.Ordinal);

    private static BounceReport? SesNotification(string text)
    {
        if (!HasSesFields(text))
            return null;
        var start = text.IndexOf('{');
        var end = text.LastIndexOf('}');
        if (start < 0 || end <= start)
            return null;
        try
        {
            // Mail transport may have folded long JSON lines; line breaks are never part of the values that matter.
            var json = text[start..(end + 1)].Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal);
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("Message", out var wrapped) && wrapped.ValueKind == JsonValueKind.String)
            {
                using var inner = JsonDocument.Parse(wrapped.GetString()!);
                return SesReport(inner.RootElement);
            }
            return SesReport(root);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static BounceReport? SesReport(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return null;
        var type = (Str(root, "notificationType") ?? Str(root, "eventType") ?? "").ToLowerInvariant();
        string? messageId = root.TryGetProperty("mail", out var mail) ? Str(mail, "messageId") : null;
        switch (type)
        {
            case "bounce" when root.TryGetProperty("bounce", out var bounce):
                var temporary = string.Equals(Str(bounce, "bounceType"), "Transient", StringComparison.OrdinalIgnoreCase);
                var list = new List<BouncedRecipient>();
                if (bounce.TryGetProperty("bouncedRecipients", out var recipients) && recipients.ValueKind == JsonValueKind.Array)
                {
                    foreach (var r in recipients.EnumerateArray())
                    {
                        var address = Address(Str(r, "emailAddress") ?? "");
                        if (address is null)
                            continue;
                        var diagnostic = OneLine(ReportFields.AfterType(Str(r, "diagnosticCode") ?? ""));
                        var recipient = Recipient(address, StatusOf(Str(r, "status") ?? ""), diagnostic, diagnostic, new ReportText("", diagnostic), 1);
                        if (temporary && recipient.Status.StartsWith('5') && recipient.Status.Contains(".0.9", StringComparison.Ordinal))
                            recipient = recipient with { Status = "4" + recipient.Status[1..], HardBounce = false };
                        list.Add(recipient);
                    }
                }
                return list.Count == 0 ? null : new BounceReport(BounceClass.Bounce, list, messageId, null);
            case "complaint":
                var complained = new List<BouncedRecipient>();
                if (root.TryGetProperty("complaint", out var complaint) && complaint.TryGetProperty("complainedRecipients", out var people)
                    && people.ValueKind == JsonValueKind.Array)
                {
                    foreach (var r in people.EnumerateArray())
                    {
                        if (Address(Str(r, "emailAddress") ?? "") is { } address)
                            complained.Add(new BouncedRecipient(address, "", "", BounceReasons.Feedback, false, ""));
                    }
                }
                return new BounceReport(BounceClass.Feedback, complained, messageId, null);
            case "delivery":
                return new BounceReport(BounceClass.Delivered, [], messageId, null);
            default:
                return null;
        }
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>An automatic unsubscribe request (Apple Mail's, or any auto-submitted mail whose subject is just
    /// "unsubscribe"): an opt-out report, not a reply and not a failure.</summary>
    private static bool IsUnsubscribeRequest(MimeMessage message, string subject) =>
        string.Equals((message.Headers["X-Apple-Unsubscribe"] ?? "").Trim(), "true", StringComparison.OrdinalIgnoreCase)
        || (message.Headers.Contains("Auto-Submitted") && string.Equals(subject.Trim(), "unsubscribe", StringComparison.OrdinalIgnoreCase)
            && !(message.Headers["Auto-Submitted"] ?? "").Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase));

    private static List<BouncedRecipient> FromAddresses(MimeMessage message) =>
        message.From.Mailboxes.Select(m => Address(m.Address)).OfType<string>().Distinct()
            .Select(a => new BouncedRecipient(a, "", "", BounceReasons.Feedback, false, "")).ToList();

    private static bool IsReportItself(MimeMessage attached) =>
        attached.Body?.ContentType.IsMimeType("multipart", "report") == true
        || (attached.Headers["From"] ?? "").Contains("mailer-daemon", StringComparison.OrdinalIgnoreCase);

    private static bool IsSystemLocalPart(string address)
    {
        var local = address[..address.IndexOf('@')].ToLowerInvariant();
        return local is "mailer-daemon" or "postmaster" or "mail-daemon" or "mailerdaemon" or "daemon" or "root" or "nobody" or "abuse"
            || local.StartsWith("bounce", StringComparison.Ordinal) || local.StartsWith("mailer-daemon", StringComparison.Ordinal);
    }

    private static bool LooksLikeBounce(MimeMessage message, ReportText report, bool hasReturned)
    {
        var (subject, bounceText) = (report.Subject, report.Text);
        if (message.Headers.Contains("X-Failed-Recipients"))
            return true;
        var from = (message.Headers["From"] ?? "").ToLowerInvariant();
        var sender = from.Contains("mailer-daemon", StringComparison.Ordinal) || from.Contains("postmaster", StringComparison.Ordinal)
            || from.Contains("mail delivery", StringComparison.Ordinal) || from.Contains("mail-daemon", StringComparison.Ordinal)
            || from.Contains("maildelivery", StringComparison.Ordinal) || from.Contains("mailer daemon", StringComparison.Ordinal)
            || from.Contains("mail administrator", StringComparison.Ordinal) || from.Contains("mail system", StringComparison.Ordinal)
            || from.Contains("post_master", StringComparison.Ordinal);
        var lowerSubject = subject.ToLowerInvariant();
        var failureSubject = FailureSubjectWords.Any(w => lowerSubject.Contains(w, StringComparison.Ordinal));
        var nullSender = (message.Headers["Return-Path"] ?? "").Replace(" ", "", StringComparison.Ordinal) == "<>";
        if (!(sender || nullSender))
        {
            // A person may write "undeliverable" in a subject: without a system sender, only a returned original or
            // an enhanced status code makes it a report.
            return failureSubject && !lowerSubject.StartsWith("re:", StringComparison.Ordinal)
                && (hasReturned || StatusPattern().IsMatch(bounceText));
        }
        return hasReturned || failureSubject || report.LowerText.IndexOfAny(FailureTextWords) >= 0 || StatusPattern().IsMatch(bounceText);
    }

    private static readonly string[] FailureSubjectWords =
    [
        "undeliver", "undelivered", "delivery status notification", "delivery failure", "delivery failed", "failure notice",
        "returned mail", "mail delivery failed", "delivery has failed", "could not be delivered", "couldn't be delivered", "nondeliverable",
        "non-deliverable", "non delivery", "non-delivery", "delivery notification", "mail system error", "delivery problem",
        "not delivered", "failed delivery", "delivery report", "mail failure", "returned to sender", "delivery error", "delayed",
        "message delivery", "undeliverable", "delayed mail", "warning: could not send", "error sending", "permanent error",
        "配信不能", "送信失敗", "配送エラー", "エラー", "届きません", "未配達", "返送",
    ];

    /// <summary>Words of a failure in the report's own text, looked for together in one pass.</summary>
    private static readonly SearchValues<string> FailureTextWords = SearchValues.Create(
    [
        "could not be delivered", "couldn't be delivered", "was not delivered", "wasn't delivered", "delivery failed", "delivery to the following",
        "permanent error", "permanent fatal", "undeliverable", "unable to deliver", "failed recipient", "following address", "following recipient",
        "delivery has failed", "not be delivered", "returned mail", "delivery problem", "message could not", "user unknown", "transcript of session",
        "giving up", "rejected", "no such user", "invalid user", "requested action not taken", "not yet been delivered", "delivery attempts will continue", "does not exist", "mailbox", "配信", "送信できません", "届けることができません",
    ], StringComparison.Ordinal);

    private static bool IsAutoReply(MimeMessage message, string subject)
    {
        var auto = (message.Headers["Auto-Submitted"] ?? "").Trim().ToLowerInvariant();
        if (auto.StartsWith("auto-replied", StringComparison.Ordinal))
            return true;
        if (message.Headers.Contains("X-Autoreply") || message.Headers.Contains("X-Autorespond") || message.Headers.Contains("X-Autoresponder"))
            return true;
        var precedence = (message.Headers["Precedence"] ?? "").Trim().ToLowerInvariant();
        if (precedence == "auto_reply")
            return true;
        var s = subject.ToLowerInvariant();
        return AutoReplySubjects.Any(w => s.Contains(w, StringComparison.Ordinal));
    }

    private static readonly string[] AutoReplySubjects =
    [
        "out of office", "out of the office", "auto reply", "autoreply", "auto-reply", "automatic reply", "auto:", "autoresponse", "auto response",
        "vacation", "away from", "abwesenheit", "réponse automatique", "respuesta automática", "自動応答", "自動返信", "不在",
    ];

    private static List<BouncedRecipient> FreeTextRecipients(MimeMessage message, ReportText report, ReturnedHeaders? returned)
    {
        // The report's own and the original's addresses, which are not the failed ones; made only for reports without
        // recipient fields.
        var excluded = ExcludedAddresses(message, returned);
        var addresses = new List<string>();
        var failedHeader = message.Headers["X-Failed-Recipients"];
        if (failedHeader is not null)
        {
            foreach (Match m in AddressPattern().Matches(failedHeader))
                Add(addresses, m.Value);
        }
        if (addresses.Count == 0)
            addresses = CandidateAddresses(report.Lines, excluded);
        if (addresses.Count == 0 && returned?.To is { } to)
        {
            foreach (Match m in AddressPattern().Matches(to))
            {
                if (!excluded.Contains(m.Value) || returned.Addresses.Count == 0)
                    Add(addresses, m.Value);
            }
        }
        var list = new List<BouncedRecipient>();
        foreach (var address in addresses)
        {
            var near = NearAddress(report, address);
            var recipient = Recipient(address, "", near, near, report, addresses.Count, returned?.Addresses);
            // Nothing beside the only failed address: the report's reply line is the remote server's words (shown, not
            // read for the status, which the whole report's words already gave).
            if (near.Length == 0 && addresses.Count == 1)
                recipient = recipient with { Diagnostic = Cut(FirstReplyLine(report)) };
            list.Add(recipient);
        }
        return list;
    }

    private static void Add(List<string> list, string address)
    {
        var normal = Address(address);
        if (normal is not null && !list.Contains(normal))
            list.Add(normal);
    }

    /// <summary>Addresses the report sets apart as the failed ones: best those that open a line (alone, in angle
    /// brackets, or after a label), then those in angle brackets, then any.</summary>
    private static List<string> CandidateAddresses(TextLines lines, HashSet<string> excluded)
    {
        var strong = new List<string>();
        var medium = new List<string>();
        var weak = new List<string>();
        for (var k = 0; k < lines.Count; k++)
        {
            if (!lines.Span(k).Contains('@'))
                continue;
            var line = lines[k];
            foreach (Match m in AddressPattern().Matches(line))
            {
                if (excluded.Contains(m.Value) || IsSystemLocalPart(m.Value))
                    continue;
                var before = line[..m.Index];
                var prefix = before.Trim().TrimStart('-', '*', '>', '•', ' ', '\t').Trim().ToLowerInvariant();
                var bracketed = before.EndsWith('<') || before.EndsWith('"') || before.EndsWith('\'');
                if (prefix.Length == 0 || prefix is "<" or "\"" or "'" || LeadingLabel().IsMatch(prefix))
                    Add(strong, m.Value);
                else if (bracketed || RecipientWords().IsMatch(before))
                    Add(medium, m.Value);
                else
                    Add(weak, m.Value);
            }
        }
        return strong.Count > 0 ? strong : medium.Count > 0 ? medium : weak;
    }

    [GeneratedRegex(@"(^|\s)(rcpt to:\s*<?|recipient:\s*<?|recipients?:\s*<?|address:\s*<?|original-recipient:.*|final-recipient:.*|failed recipient:\s*<?|宛先\s*[:：]?\s*<?|to\s*<|user\s*<?|mailbox\s*<?|\d+\.\s*<?|[245]\d\d[ \-]\s*<?)$", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingLabel();

    [GeneratedRegex(@"(recipient|address|delivered to|deliver to|mailbox|user|for|to)\W{0,3}$", RegexOptions.IgnoreCase)]
    private static partial Regex RecipientWords();

    /// <summary>The lines that follow the address in the report, up to a blank line: most servers write the reason there.
    /// A recipient's words end where a session transcript moves on (the next command, the next server, a new reply that
    /// does not continue this one); lines describing the original message (From:, CC:, Size …) are not its words.</summary>
    private static string NearAddress(ReportText report, string address)
    {
        // An address holds no line break: a text without it has no line with it.
        if (!report.Text.Contains(address, StringComparison.OrdinalIgnoreCase))
            return "";
        string? first = null;
        var lines = report.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            var at = lines.Span(i).IndexOf(address, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
                continue;
            var sb = new StringBuilder();
            var line = lines[i];
            var before = line[..at].TrimEnd('<', ' ', '\t', '"');
            var rest = line[(at + address.Length)..].TrimStart('>', ':', ' ', '\t', '.', ',', ')', '"');
            // The reporting server's code in front of the address gives way to the remote server's own reply after it
            // ("554 <a@b>... 550 Host unknown").
            if ((ReplyCodePattern().IsMatch(before) || StatusPattern().IsMatch(before))
                && !(LeadingReplyPattern().IsMatch(rest) && !StatusPattern().IsMatch(before)))
                sb.Append(before.Trim().TrimStart('<').TrimStart()).Append(' ');
            sb.Append(rest);
            var reply = new ReplyTracker(sb.ToString());
            var inDetails = false;
            for (var j = i + 1; j < lines.Count && j < i + 8; j++)
            {
                var next = lines[j].Trim();
                if (IsSeparator(next))
                    break;
                if (next.Length == 0)
                {
                    // A blank line after the address line alone may precede its words; one after a block of details ends it.
                    if (sb.ToString().Trim().Length < 8 && !inDetails)
                        continue;
                    break;
                }
                // "<<< 550 …": the server's reply in a transcript, without the arrows.
                var words = next.StartsWith("<<<", StringComparison.Ordinal) ? next[3..].TrimStart() : next;
                if (AddressPattern().IsMatch(words) && (words.StartsWith('<') || AddressPattern().Match(words).Index == 0))
                    break;
                if (TranscriptStep().IsMatch(next))
                    break;
                // A detail line naming the address is the recipient's own ("From: <postmaster@…> RCPT: <a@b> … does not like recipient").
                if (OriginalDetailLine().IsMatch(next) && !next.Contains(address, StringComparison.OrdinalIgnoreCase))
                {
                    inDetails = true;
                    continue;
                }
                if (!reply.Continues(words))
                    break;
                sb.Append(' ').Append(words);
            }
            var diagnostic = OneLine(sb.ToString());
            if (diagnostic.Length == 0)
                diagnostic = ReasonBefore(lines, i, before);
            if (diagnostic.Length == 0)
                continue;
            if (ReplyCodePattern().IsMatch(diagnostic) || StatusPattern().IsMatch(diagnostic))
                return diagnostic;
            first ??= diagnostic;
        }
        return first ?? "";
    }

    /// <summary>Follows the SMTP replies in a recipient's words: a line opening with a reply code belongs to them only
    /// while no reply was seen yet or it continues the last one ("550-5.1.1 …" then "550 5.1.1 …"); any other opens a new
    /// reply, about another recipient or another step of the session.</summary>
    private sealed class ReplyTracker
    {
        private string? _code;
        private bool _open;

        public ReplyTracker(string start) => Note(start);

        public bool Continues(string line)
        {
            var leading = LeadingReplyPattern().Match(line);
            if (leading.Success && _code is not null && !(_open && leading.Groups[1].Value == _code))
                return false;
            Note(line);
            return true;
        }

        private void Note(string text)
        {
            foreach (Match m in ReplyMarkPattern().Matches(text))
            {
                _code = m.Groups[1].Value;
                _open = m.Groups[2].Value == "-";
            }
        }
    }

    /// <summary>A line opening with an SMTP reply code ("550 …", "550-…", "550 - …").</summary>
    [GeneratedRegex(@"^([245]\d\d)(?:[ \-]|$)")]
    private static partial Regex LeadingReplyPattern();

    /// <summary>A reply code and the character after it: '-' means the reply goes on on the next line.</summary>
    [GeneratedRegex(@"(?<![\d.\-#:/])([245]\d\d)([ \-]|$)(?!\d)")]
    private static partial Regex ReplyMarkPattern();

    /// <summary>A session transcript's next step: a command sent (">>> RCPT TO") or the next server ("While talking to").</summary>
    [GeneratedRegex(@"^(>>>|while talking to\b)", RegexOptions.IgnoreCase)]
    private static partial Regex TranscriptStep();

    /// <summary>A line describing the original message, as reports list it under the failure ("From: …", "CC: …",
    /// "Size (in bytes): 39"): never the remote server's words.</summary>
    [GeneratedRegex(@"^(from|to|cc|bcc|subject|date|sent|sent date|reply-to|message-id|size(\s*\([^)]*\))?|number of lines)\s*:", RegexOptions.IgnoreCase)]
    private static partial Regex OriginalDetailLine();

    /// <summary>The report's first line that carries a refusal's reply code (4xx or 5xx), with its continuation lines:
    /// the remote server's words when nothing stands beside the only failed address.</summary>
    private static string FirstReplyLine(ReportText report)
    {
        var lines = report.Lines;
        for (var i = 0; i < lines.Count; i++)
        {
            // Read as a span: a string is made only for the line found.
            var span = lines.Span(i).Trim();
            if (span.StartsWith("<<<", StringComparison.Ordinal))
                span = span[3..].TrimStart();
            if (!LeadingReplyPattern().IsMatch(span) || span[0] == '2')
                continue;
            var line = span.ToString();
            var sb = new StringBuilder(line);
            var reply = new ReplyTracker(line);
            for (var j = i + 1; j < lines.Count && j < i + 8; j++)
            {
                var next = lines[j].Trim();
                if (!LeadingReplyPattern().IsMatch(next) || !reply.Continues(next))
                    break;
                sb.Append(' ').Append(next);
            }
            return OneLine(sb.ToString());
        }
        return "";
    }

    /// <summary>The lines of a text (split at '\n', as <c>Split('\n')</c> gives them) as offsets: a line becomes a string
    /// only when asked for.</summary>
    private sealed class TextLines
    {
        private readonly string _text;
        private readonly List<int> _starts = [0];

        public TextLines(string text)
        {
            _text = text;
            for (var at = text.IndexOf('\n'); at >= 0; at = text.IndexOf('\n', at + 1))
                _starts.Add(at + 1);
            _starts.Add(text.Length + 1);
        }

        public int Count => _starts.Count - 1;

        public ReadOnlySpan<char> Span(int k) => _text.AsSpan(_starts[k], _starts[k + 1] - 1 - _starts[k]);

        public string this[int k] => Span(k).ToString();
    }

    /// <summary>A line that only separates sections ("------- Returned Message --------", "Original message follows.").</summary>
    private static bool IsSeparator(string line)
    {
        if (line.Length == 0)
            return false;
        var lower = line.ToLowerInvariant();
        if (lower.Contains("original message", StringComparison.Ordinal) || lower.Contains("returned message", StringComparison.Ordinal)
            || lower.Contains("message follows", StringComparison.Ordinal))
            return true;
        return line.All(c => c is '-' or '=' or '*' or '_' or '~' or ' ') && line.Length >= 3;
    }

    /// <summary>When nothing follows an address, the reason may stand before it: on its line ("Invalid final delivery
    /// userid: a@b") or on the line above (Lotus Notes: the reason, then the address).</summary>
    private static string ReasonBefore(TextLines lines, int index, string before)
    {
        var text = before.Trim().TrimEnd(':', ' ', '\t').Trim();
        if (text.Length >= 8 && text.Any(char.IsLetter) && !LeadingLabel().IsMatch(before.Trim().ToLowerInvariant()) && !RecipientWords().IsMatch(text))
            return OneLine(text);
        if (before.Trim().Length > 0)
            return "";
        for (var k = index - 1; k >= 0 && k >= index - 3; k--)
        {
            var line = lines[k].Trim();
            if (line.Length == 0)
                continue;
            if (IsSeparator(line) || line.EndsWith(':') || AddressPattern().IsMatch(line))
                return "";
            return OneLine(line);
        }
        return "";
    }

    /// <param name="ownReport">The recipient has its own Status and Diagnostic-Code fields: only they give its status.</param>
    private static BouncedRecipient Recipient(string address, string status, string diagnostic, string near, ReportText report, int count,
        IReadOnlyList<string>? senders = null, bool ownReport = false)
    {
        var replyCode = ReplyCode(diagnostic);
        if (replyCode.Length == 0 && near != diagnostic)
            replyCode = ReplyCode(near);
        // The remote server's own code (right after its reply code) wins over the reporting server's; a code elsewhere
        // in the words only fills a missing or generic (X.0.0) one.
        var inDiagnostic = StatusOf(diagnostic);
        var remote = QuotedStatusPattern().IsMatch(diagnostic);
        if (inDiagnostic.Length > 0 && inDiagnostic[0] == (status.Length > 0 ? status[0] : inDiagnostic[0])
            && (remote || status.Length == 0 || status.EndsWith(".0.0", StringComparison.Ordinal)))
            status = inDiagnostic;
        if (status.Length == 0 || status.EndsWith(".0.0", StringComparison.Ordinal) && status.Length == 5)
        {
            var found = StatusOf(diagnostic);
            if (found.Length == 0 && near != diagnostic && !ownReport)
                found = StatusOf(near);
            if (found.Length == 0 && status.Length == 0 && count == 1)
                found = StatusOf(report.Text);
            if (found.Length > 0)
                status = found;
        }
        var reason = BounceReasons.FromDecisiveStatus(status)
            ?? BounceReasons.FromWords(diagnostic.ToLowerInvariant())
            ?? (near != diagnostic ? BounceReasons.FromWords(near.ToLowerInvariant()) : null)
            ?? BounceReasons.FromStatus(status)
            ?? report.WordsReason
            ?? BounceReasons.FromReplyCode(replyCode)
            // Postfix says so when it kept no report: nothing is known, which is not the same as "not yet classified".
            ?? (diagnostic.Length == 0 && status.Length == 0 && report.Lower.Contains("delivery report unavailable", StringComparison.Ordinal)
                ? BounceReasons.Undefined : BounceReasons.OnHold);
        reason = ByCommandStage(reason, diagnostic + " " + near, report);
        reason = ByReportingServer(reason, status, diagnostic + " " + near, report);
        if (reason is BounceReasons.Filtered or BounceReasons.UserUnknown or BounceReasons.HostUnknown or BounceReasons.OnHold
            && NamesSenderOnly(diagnostic, address, senders))
            reason = BounceReasons.Rejected;
        if (report.Server == ReportingServer.OpenSmtpd)
            status = "";
        if (status.Length == 0)
        {
            // Without a status code the reply code tells a temporary refusal (4xx) from a permanent one. Exim's "retry
            // timeout exceeded" says the same without a code: the address kept failing temporarily until Exim gave up
            // (read in the recipient's words, or in the report when none stand beside the address).
            var temporary = replyCode.StartsWith('4') || report.Lower.Contains("details of temporary failure", StringComparison.Ordinal)
                || (diagnostic.Length > 0
                    ? diagnostic.Contains(RetryTimeoutExceeded, StringComparison.OrdinalIgnoreCase)
                    : report.Lower.Contains(RetryTimeoutExceeded, StringComparison.Ordinal));
            // A refusal of MAIL FROM is about the sender and the connection, and gives no recipient status: the reason
            // comes from the words, the code stays "not yet classified".
            var atMailFrom = diagnostic.Contains("after mail from", StringComparison.OrdinalIgnoreCase)
                || diagnostic.Contains("in reply to mail from", StringComparison.OrdinalIgnoreCase);
            status = BounceReasons.PseudoStatus(atMailFrom ? BounceReasons.OnHold : reason, temporary);
        }
        return new BouncedRecipient(address, status, replyCode, reason, BounceReasons.IsHard(reason, status), Cut(diagnostic));
    }

    private const string RetryTimeoutExceeded = "retry timeout exceeded";

    private static string Cut(string diagnostic) => diagnostic.Length > MaxDiagnostic ? diagnostic[..MaxDiagnostic] : diagnostic;

    /// <summary>(<paramref name="subject"/> + "\n" + <paramref name="text"/>).ToLowerInvariant(), written at once into the
    /// result (invariant lower-casing maps each character on its own, so the parts can be lowered apart).</summary>
    private static string LowerJoined(string subject, string text) =>
        string.Create(subject.Length + 1 + text.Length, (subject, text), static (span, parts) =>
        {
            parts.subject.AsSpan().ToLowerInvariant(span);
            span[parts.subject.Length] = '\n';
            parts.text.AsSpan().ToLowerInvariant(span[(parts.subject.Length + 1)..]);
        });

    /// <summary>The SMTP command a refusal answered says more than its words: a refusal of MAIL FROM is about the sender
    /// (rejected), and "unknown user" only after the whole message was sent (DATA) is a content filter speaking.</summary>
    private static string ByCommandStage(string reason, string diagnostic, ReportText report)
    {
        var lower = diagnostic.ToLowerInvariant();
        var afterMailFrom = lower.Contains("after mail from", StringComparison.Ordinal) || lower.Contains("reply to mail from", StringComparison.Ordinal);
        if (afterMailFrom && reason is BounceReasons.UserUnknown or BounceReasons.HostUnknown or BounceReasons.OnHold)
            return BounceReasons.Rejected;
        // Refused at the greeting, before any command: the connecting server (its address, name or reputation) is blocked.
        var atConnection = lower.Contains("refused to talk to me", StringComparison.Ordinal) || lower.Contains("after initial connection", StringComparison.Ordinal);
        if (atConnection && reason is BounceReasons.SystemError or BounceReasons.OnHold or BounceReasons.Rejected or BounceReasons.Expired
            or BounceReasons.Suspend or BounceReasons.UserUnknown or BounceReasons.HostUnknown or BounceReasons.SyntaxError or BounceReasons.Filtered)
            return BounceReasons.Blocked;
        if (reason != BounceReasons.UserUnknown)
            return reason;
        var afterData = lower.Contains("end of data", StringComparison.Ordinal) || lower.Contains("final data", StringComparison.Ordinal)
            || (!lower.Contains("rcpt", StringComparison.Ordinal) && !report.Lower.Contains("503", StringComparison.Ordinal) && LastCommand(report.Lower) is "data" or ".");
        return afterData ? BounceReasons.Filtered : reason;
    }

    /// <summary>What the few servers read in a way of their own (<see cref="ReportingServer"/>) mean by their words.</summary>
    private static string ByReportingServer(string reason, string status, string diagnostic, ReportText report)
    {
        // Exchange 2000/2003 names a refusal by a code in brackets ("MSEXCH:IMS:… 0 (000C05A6) Unknown Recipient"); its
        // words without one say no more than those of a server that never names the stage.
        if (reason == BounceReasons.UserUnknown && status.Length == 0
            && !diagnostic.Contains("rcpt", StringComparison.OrdinalIgnoreCase) && !diagnostic.Contains("user not found", StringComparison.OrdinalIgnoreCase)
            && (report.Server == ReportingServer.StageUnnamed
                || diagnostic.Contains("MSEXCH:", StringComparison.Ordinal) && !ExchangeCodePattern().IsMatch(diagnostic)))
            return BounceReasons.Filtered;
        if (reason == BounceReasons.OnHold && report.Server == ReportingServer.InterScanMss
            && (diagnostic.Contains("unable to deliver message to", StringComparison.OrdinalIgnoreCase)
                || report.Lower.Contains("unable to deliver message to", StringComparison.Ordinal)))
            return BounceReasons.UserUnknown;
        return reason;
    }

    /// <summary>True when the refusal names the original's sender and not the recipient: it is the sender that was refused.</summary>
    private static bool NamesSenderOnly(string diagnostic, string address, IReadOnlyList<string>? senders) =>
        senders is { Count: > 0 } && !diagnostic.Contains(address, StringComparison.OrdinalIgnoreCase)
        && senders.Any(s => !s.Equals(address, StringComparison.OrdinalIgnoreCase) && diagnostic.Contains(s, StringComparison.OrdinalIgnoreCase));

    /// <summary>The last command of a session transcript (">>> DATA"), if the report has one.</summary>
    private static string? LastCommand(string lowerText)
    {
        var at = lowerText.LastIndexOf(">>> ", StringComparison.Ordinal);
        if (at < 0)
            return null;
        var end = lowerText.IndexOf('\n', at);
        var command = (end < 0 ? lowerText[(at + 4)..] : lowerText[(at + 4)..end]).Trim();
        var space = command.IndexOf(' ');
        return space < 0 ? command : command[..space];
    }

    /// <summary>The enhanced status code a text gives: one right after an SMTP reply code ("550 5.1.1", "550-'5.2.2")
    /// is the remote server's own and wins over a code the reporting server put in front.</summary>
    private static string StatusOf(string text)
    {
        // Success codes (250 2.1.5 in a session transcript) are not what the report is about.
        foreach (Match quoted in QuotedStatusPattern().Matches(text))
        {
            if (quoted.Groups[1].Value[0] != '2')
                return quoted.Groups[1].Value;
        }
        foreach (Match m in StatusPattern().Matches(text))
        {
            if (m.Groups[1].Value[0] != '2')
                return m.Groups[1].Value;
        }
        return "";
    }

    [GeneratedRegex(@"MSEXCH:\S+.*\([0-9A-F]{8}\)")]
    private static partial Regex ExchangeCodePattern();

    [GeneratedRegex(@"(?<![\d.])[245]\d\d[ \-]['""]?([245]\.\d{1,3}\.\d{1,3})(?![\d]|\.\d)")]
    private static partial Regex QuotedStatusPattern();

    private static string ReplyCode(string text)
    {
        var m = ReplyCodePattern().Match(text);
        if (m.Success)
            return m.Groups[1].Value;
        var labelled = LabelledReplyCodePattern().Match(text);
        return labelled.Success ? labelled.Groups[1].Value : "";
    }

    /// <summary>A reply code behind a label ("ERROR_CODE :550", "SMTP code: 421").</summary>
    [GeneratedRegex(@"code\s*:\s*([45][0-5]\d)\b", RegexOptions.IgnoreCase)]
    private static partial Regex LabelledReplyCodePattern();

    [GeneratedRegex(@"(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d]|\.\d)")]
    private static partial Regex StatusPattern();

    [GeneratedRegex(@"(?<![\d.\-#:/])([45][0-5]\d)(?=[\s\-]|$)(?![\-]\d)")]
    private static partial Regex ReplyCodePattern();

    [GeneratedRegex(@"[A-Za-z0-9._%+\-=/!#$&'*?^`{|}~]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+")]
    private static partial Regex AddressPattern();

    private static string? Address(string value)
    {
        var m = AddressPattern().Match(value);
        if (!m.Success)
            return null;
        var address = m.Value.Trim('.', '\'', '"');
        var at = address.IndexOf('@');
        return at <= 0 ? null : address[..at] + "@" + address[(at + 1)..].ToLowerInvariant();
    }

    /// <summary>Every run of white space (regex \s, which is <see cref="char.IsWhiteSpace(char)"/>) as one space, none at
    /// either end: <c>Regex.Replace(text, @"\s+", " ").Trim()</c> without the regex.</summary>
    private static string OneLine(string text)
    {
        var source = text.AsSpan().Trim();
        if (source.Length == 0)
            return "";
        char[]? rented = null;
        var buffer = source.Length <= 512 ? stackalloc char[512] : (rented = ArrayPool<char>.Shared.Rent(source.Length));
        var length = 0;
        var space = false;
        foreach (var c in source)
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }
            if (space)
            {
                buffer[length++] = ' ';
                space = false;
            }
            buffer[length++] = c;
        }
        var result = buffer[..length].SequenceEqual(text) ? text : buffer[..length].ToString();
        if (rented is not null)
            ArrayPool<char>.Shared.Return(rented);
        return result;
    }

    /// <summary>HTML as text: line-breaking tags (br, /p, /div, /tr, /li) become line breaks, the other tags go, entities
    /// are decoded. A tag runs from '<' to the next '>'; a '<' with no '>' after it stays as text. Written out as two
    /// passes, the way the regular expressions <c>&lt;(br|/p|/div|/tr|/li)[^&gt;]*&gt;</c> (ignoring case) then
    /// <c>&lt;[^&gt;]*&gt;</c> read it, without their cost; both passes work in rented buffers, so a large HTML report
    /// (a 60 KB notice) makes one string instead of four.</summary>
    private static string HtmlToText(TextPieces html)
    {
        var length = html.Length;
        var first = ArrayPool<char>.Shared.Rent(Math.Max(length, 1));
        var second = ArrayPool<char>.Shared.Rent(Math.Max(length, 1));
        try
        {
            html.CopyTo(first);
            var withLines = WithoutTags(first.AsSpan(0, length), second, tag => IsBreakTag(tag) ? "\n" : null);
            var text = WithoutTags(second.AsSpan(0, withLines), first, _ => "");
            return System.Net.WebUtility.HtmlDecode(new string(first, 0, text));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(first);
            ArrayPool<char>.Shared.Return(second);
        }
    }

    /// <summary>Writes <paramref name="html"/> into <paramref name="output"/> (at least as long) with each tag replaced by
    /// what <paramref name="replacement"/> gives for the text after its '<' (null: the '<' is kept as text and the search
    /// goes on from the next character), and returns the length written. A replacement is never longer than its tag.</summary>
    private static int WithoutTags(ReadOnlySpan<char> html, Span<char> output, Func<ReadOnlySpan<char>, string?> replacement)
    {
        var length = 0;
        var copied = 0;
        var at = html.IndexOf('<');
        while (at >= 0)
        {
            var close = html[(at + 1)..].IndexOf('>');
            // No '>' after this '<' means none after any later one either.
            if (close < 0)
                break;
            var end = at + 1 + close;
            var next = at + 1;
            if (replacement(html[(at + 1)..]) is { } with)
            {
                html[copied..at].CopyTo(output[length..]);
                length += at - copied;
                with.AsSpan().CopyTo(output[length..]);
                length += with.Length;
                copied = end + 1;
                next = end + 1;
            }
            var found = html[next..].IndexOf('<');
            at = found < 0 ? -1 : next + found;
        }
        html[copied..].CopyTo(output[length..]);
        return length + html.Length - copied;
    }

    /// <summary>"br", "/p", "/div", "/tr" or "/li" (ASCII letters in either case) right after the '<'.</summary>
    private static bool IsBreakTag(ReadOnlySpan<char> tag)
    {
        static bool Letter(ReadOnlySpan<char> s, int i, char lower) => s.Length > i && (s[i] | 0x20) == lower;
        if (Letter(tag, 0, 'b'))
            return Letter(tag, 1, 'r');
        if (tag.Length < 2 || tag[0] != '/')
            return false;
        return Letter(tag, 1, 'p') || (Letter(tag, 1, 'd') && Letter(tag, 2, 'i') && Letter(tag, 3, 'v'))
            || (Letter(tag, 1, 't') && Letter(tag, 2, 'r')) || (Letter(tag, 1, 'l') && Letter(tag, 2, 'i'));
    }
}
