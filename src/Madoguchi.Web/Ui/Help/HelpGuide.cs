namespace Madoguchi.Web.Ui.Help;

/// <summary>The self-help centre's guides (the seed's six). Every place a problem shows itself links its guide through
/// <c>HelpLink</c> with one of these, so a link never spells a URL of its own.</summary>
public enum HelpGuide
{
    AccountLocked,
    AddOptions,
    OtherOptions,
    StorageFull,
    MailNotArriving,
    MailNotSending,
}

public static class HelpGuides
{
    public const string CentreUrl = "/help";

    public static IReadOnlyList<HelpGuide> All { get; } = Enum.GetValues<HelpGuide>();

    public static string Slug(HelpGuide guide) => guide switch
    {
        HelpGuide.AccountLocked => "account-locked",
        HelpGuide.AddOptions => "add-options",
        HelpGuide.OtherOptions => "other-options",
        HelpGuide.StorageFull => "storage-full",
        HelpGuide.MailNotArriving => "mail-not-arriving",
        HelpGuide.MailNotSending => "mail-not-sending",
        _ => throw new ArgumentOutOfRangeException(nameof(guide), guide, null),
    };

    public static string Url(HelpGuide guide) => $"{CentreUrl}/{Slug(guide)}";

    public static HelpGuide? FromSlug(string? slug) => All.Select(g => (HelpGuide?)g).FirstOrDefault(g => Slug(g!.Value) == slug);

    public static string TitleKey(HelpGuide guide) => $"Guide_{guide}_Title";

    public static string SummaryKey(HelpGuide guide) => $"Guide_{guide}_Summary";

    public static string BodyKey(HelpGuide guide) => $"Guide_{guide}_Body";
}

/// <summary>One block of a guide's text. Guides are written in the resource files as lines: <c>## </c> starts a heading,
/// <c>- </c> a bullet, <c>1. </c> a numbered step, anything else a paragraph; a blank line ends a block.</summary>
public sealed record HelpBlock(HelpBlockKind Kind, IReadOnlyList<string> Lines)
{
    public static IReadOnlyList<HelpBlock> Parse(string text)
    {
        var blocks = new List<HelpBlock>();
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
                continue;
            var (kind, content) = line switch
            {
                _ when line.StartsWith("## ", StringComparison.Ordinal) => (HelpBlockKind.Heading, line[3..]),
                _ when line.StartsWith("- ", StringComparison.Ordinal) => (HelpBlockKind.Bullets, line[2..]),
                _ when line.Length > 2 && char.IsAsciiDigit(line[0]) && line.IndexOf(". ", StringComparison.Ordinal) is > 0 and < 3 =>
                    (HelpBlockKind.Steps, line[(line.IndexOf(". ", StringComparison.Ordinal) + 2)..]),
                _ => (HelpBlockKind.Paragraph, line),
            };
            if (kind is HelpBlockKind.Bullets or HelpBlockKind.Steps && blocks.Count > 0 && blocks[^1].Kind == kind)
                ((List<string>)blocks[^1].Lines).Add(content);
            else
                blocks.Add(new HelpBlock(kind, new List<string> { content }));
        }
        return blocks;
    }
}

public enum HelpBlockKind
{
    Paragraph,
    Heading,
    Bullets,
    Steps,
}
