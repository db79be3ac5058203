using System.Globalization;

namespace Madoguchi.Testing.Servers;

/// <summary>Finds Debian's PostgreSQL programs (/usr/lib/postgresql/&lt;version&gt;/bin), newest version first.</summary>
internal static class PostgresBinaries
{
    private const string Root = "/usr/lib/postgresql";

    public static string FindBinDirectory()
    {
        var candidates = Directory.Exists(Root)
            ? Directory.GetDirectories(Root)
                .Select(dir => (Dir: Path.Combine(dir, "bin"), Version: int.TryParse(Path.GetFileName(dir), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0))
                .Where(c => File.Exists(Path.Combine(c.Dir, "initdb")) && File.Exists(Path.Combine(c.Dir, "pg_ctl")))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Dir)
                .ToList()
            : [];
        return candidates.Count > 0
            ? candidates[0]
            : throw new InvalidOperationException(
                $"PostgreSQL is not installed (no {Root}/*/bin/initdb): run ./test.sh, which installs it.");
    }
}
