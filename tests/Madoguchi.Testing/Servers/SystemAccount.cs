using System.Globalization;

namespace Madoguchi.Testing.Servers;

/// <summary>A system user or group read from /etc/passwd or /etc/group (e.g. Postfix's own "postfix").</summary>
internal sealed record SystemAccount(int Uid, int Gid)
{
    public static SystemAccount Find(string user)
    {
        var fields = Entry("/etc/passwd", user);
        return new SystemAccount(int.Parse(fields[2], CultureInfo.InvariantCulture), int.Parse(fields[3], CultureInfo.InvariantCulture));
    }

    public static SystemAccount FindGroup(string group)
    {
        var gid = int.Parse(Entry("/etc/group", group)[2], CultureInfo.InvariantCulture);
        return new SystemAccount(-1, gid);
    }

    private static string[] Entry(string file, string name) =>
        File.ReadLines(file).Select(line => line.Split(':')).FirstOrDefault(fields => fields[0] == name)
        ?? throw new InvalidOperationException($"'{name}' is missing from {file}: is the package installed?");
}
