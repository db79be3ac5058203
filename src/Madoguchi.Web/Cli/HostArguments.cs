namespace Madoguchi.Web.Cli;

/// <summary>Which words of a command line are the host's settings rather than an admin verb's. A host option is
/// <c>--key=value</c> or <c>--key value</c> whose key is one the web host reads (<c>urls</c>, <c>environment</c>,
/// <c>contentRoot</c>, <c>applicationName</c>, <c>http_ports</c>, <c>https_ports</c>, <c>AllowedHosts</c>) or a setting under <c>Madoguchi:</c>,
/// <c>Logging:</c> or <c>Kestrel:</c>. Anything else belongs to the admin command line.</summary>
public static class HostArguments
{
    private static readonly string[] Keys = ["urls", "environment", "contentRoot", "applicationName", "http_ports", "https_ports", "AllowedHosts"];
    private static readonly string[] Sections = ["Madoguchi:", "Logging:", "Kestrel:"];

    public static (string[] Host, string[] Admin) Split(IReadOnlyList<string> args)
    {
        var host = new List<string>();
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var key = KeyOf(arg);
            if (key is null || !IsHostKey(key))
                rest.Add(arg);
            else if (arg.Contains('=', StringComparison.Ordinal))
                host.Add(arg);
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                host.Add(arg);
                host.Add(args[++i]);
            }
            else
                rest.Add(arg); // a host option without its value: a usage error
        }
        return (host.ToArray(), rest.ToArray());
    }

    private static string? KeyOf(string arg)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            return null;
        var body = arg[2..];
        var equals = body.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? body : body[..equals];
    }

    private static bool IsHostKey(string key) =>
        Keys.Any(k => k.Equals(key, StringComparison.OrdinalIgnoreCase))
        || Sections.Any(s => key.StartsWith(s, StringComparison.OrdinalIgnoreCase) || key.Equals(s[..^1], StringComparison.OrdinalIgnoreCase));
}
