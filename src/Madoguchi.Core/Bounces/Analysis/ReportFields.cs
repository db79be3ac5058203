namespace Madoguchi.Core.Bounces.Analysis;

/// <summary>Reads RFC 3464 style "Name: value" groups (blank line between groups, indented continuation lines), from a
/// message/delivery-status part or from servers that paste the same fields into plain text.</summary>
internal static class ReportFields
{
    public static List<Dictionary<string, string>> ReadGroups(string text)
    {
        var groups = new List<Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        string? lastName = null;
        // Lines read as spans (as Split('\n') would cut them): strings only for the names and values kept.
        var rest = text.AsSpan();
        while (true)
        {
            var newLine = rest.IndexOf('\n');
            var line = (newLine < 0 ? rest : rest[..newLine]).TrimEnd('\r');
            rest = newLine < 0 ? [] : rest[(newLine + 1)..];
            ReadLine(line, groups, ref current, ref lastName);
            if (newLine < 0)
                return groups;
        }
    }

    /// <summary>One line of a report's fields: a blank line ends the group, an indented line continues the last field,
    /// and "Name: value" starts a field (the first of a name in a group is kept; a repeated one and its continuation are
    /// dropped). Any other line ends the field before it.</summary>
    private static void ReadLine(ReadOnlySpan<char> line, List<Dictionary<string, string>> groups, ref Dictionary<string, string>? current, ref string? lastName)
    {
        if (line.IsWhiteSpace())
        {
            current = null;
            lastName = null;
            return;
        }
        if ((line[0] == ' ' || line[0] == '\t') && current is not null && lastName is not null)
        {
            current[lastName] = string.Concat(current[lastName], " ", line.Trim());
            return;
        }
        lastName = null;
        var colon = line.IndexOf(':');
        if (colon <= 0 || !IsFieldName(line[..colon]))
            return;
        if (current is null)
        {
            current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            groups.Add(current);
        }
        var name = line[..colon].Trim().ToString();
        if (!current.ContainsKey(name))
        {
            current[name] = line[(colon + 1)..].Trim().ToString();
            lastName = name;
        }
    }

    /// <summary>The part after "type;" (rfc822; a@b, smtp; 550 …), without angle brackets for addresses.</summary>
    public static string AfterType(string value)
    {
        var semicolon = value.IndexOf(';');
        return semicolon >= 0 && semicolon < 16 ? value[(semicolon + 1)..].Trim() : value.Trim();
    }

    private static bool IsFieldName(ReadOnlySpan<char> name)
    {
        name = name.TrimEnd();
        if (name.Length == 0)
            return false;
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
                return false;
        }
        return true;
    }
}
