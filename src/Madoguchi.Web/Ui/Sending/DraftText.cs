namespace Madoguchi.Web.Ui.Sending;

/// <summary>Addresses of the reply box as a draft keeps them: one a line, split at commas (and 、 or ;) outside quotes.</summary>
public static class DraftText
{
    public static IReadOnlyList<string> Addresses(string? text)
    {
        var list = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
            return list;
        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"' && (i == 0 || text[i - 1] != '\\'))
                quoted = !quoted;
            else if ((text[i] == ',' || text[i] == '、' || text[i] == ';') && !quoted)
            {
                list.Add(text[start..i].Trim());
                start = i + 1;
            }
        }
        list.Add(text[start..].Trim());
        return list.Where(a => a.Length > 0).ToList();
    }

    /// <summary>A draft's addresses back into the box.</summary>
    public static string Join(IReadOnlyList<string> addresses) => string.Join(", ", addresses);
}
