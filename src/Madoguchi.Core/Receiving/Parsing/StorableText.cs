namespace Madoguchi.Core.Receiving.Parsing;

/// <summary>U+0000 is not text: PostgreSQL's text columns refuse it (SQLite keeps it), so a mail with a NUL (quoted-printable
/// <c>=00</c>, an encoded word, a raw 0x00 byte) would become a ticket on one database and never on the other. Every string
/// read from a message loses its NUL characters here, the same on both providers; the original bytes in the blob store
/// are untouched.</summary>
public static class StorableText
{
    public static string Clean(string value) =>
        value.Contains('\0', StringComparison.Ordinal) ? value.Replace("\0", "", StringComparison.Ordinal) : value;

    public static string? CleanOrNull(string? value) => value is null ? null : Clean(value);

    public static ParsedMessage Clean(ParsedMessage m) => m with
    {
        MessageId = Clean(m.MessageId),
        InReplyTo = CleanOrNull(m.InReplyTo),
        References = Clean(m.References),
        Subject = Clean(m.Subject),
        From = Clean(m.From),
        To = Clean(m.To),
        Cc = Clean(m.Cc),
        ReplyTo = Clean(m.ReplyTo),
        Text = CleanOrNull(m.Text),
        Html = CleanOrNull(m.Html),
        Attachments = m.Attachments.Any(a => Dirty(a.FileName) || Dirty(a.ContentType) || Dirty(a.ContentId))
            ? [.. m.Attachments.Select(a => a with { FileName = Clean(a.FileName), ContentType = Clean(a.ContentType), ContentId = CleanOrNull(a.ContentId) })]
            : m.Attachments,
        AutoReply = Dirty(m.AutoReply.AutoSubmitted) ? m.AutoReply with { AutoSubmitted = CleanOrNull(m.AutoReply.AutoSubmitted) } : m.AutoReply,
        ReadProblem = CleanOrNull(m.ReadProblem),
    };

    private static bool Dirty(string? value) => value is not null && value.Contains('\0', StringComparison.Ordinal);

    private static IReadOnlyList<string> Clean(IReadOnlyList<string> values) =>
        values.Any(Dirty) ? [.. values.Select(Clean)] : values;

    private static IReadOnlyList<ParsedAddress> Clean(IReadOnlyList<ParsedAddress> addresses) =>
        addresses.Any(a => Dirty(a.Name) || Dirty(a.Address)) ? [.. addresses.Select(a => new ParsedAddress(Clean(a.Name), Clean(a.Address)))] : addresses;
}
