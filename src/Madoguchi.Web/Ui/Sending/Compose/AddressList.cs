using Madoguchi.Core.Common;
using MimeKit;

namespace Madoguchi.Web.Ui.Sending.Compose;

/// <summary>Addresses as typed in one field: split at commas (or 、 and ;) outside quotes, each checked as an address.</summary>
public static class AddressList
{
    public static List<string> Split(string? text)
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

    public static bool IsValid(string value) => MailboxAddress.TryParse(value.Trim(), out var address) && Emails.IsValid(address.Address);

    /// <summary>What is being typed: the text after the last separator.</summary>
    public static string Last(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        var at = text.LastIndexOfAny([',', '、', ';']);
        return text[(at + 1)..].Trim();
    }

    /// <summary>The text with what is being typed replaced by <paramref name="address"/>, ready for the next one.</summary>
    public static string ReplaceLast(string? text, string address)
    {
        text ??= "";
        var at = text.LastIndexOfAny([',', '、', ';']);
        var head = at < 0 ? "" : text[..(at + 1)].TrimEnd() + " ";
        return head + address + ", ";
    }

    /// <summary>"Name &lt;address&gt;", the name quoted when it holds characters that would split the list.</summary>
    public static string Format(string name, string address)
    {
        if (string.IsNullOrEmpty(name))
            return address;
        var quoted = name.IndexOfAny([',', '"', '<', '>', '(', ')', ';', ':', '@', '\\', '[', ']', '、']) < 0 ? name
            : "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        return $"{quoted} <{address}>";
    }
}
