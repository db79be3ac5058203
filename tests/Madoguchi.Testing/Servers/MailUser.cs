using System.Globalization;

namespace Madoguchi.Testing.Servers;

/// <summary>The system account mailbox files belong to (Dovecot refuses root).</summary>
internal sealed record MailUser(int Uid, int Gid)
{
    public static MailUser Nobody()
    {
        // nobody:x:65534:65534:... on Debian; read it rather than assume.
        var entry = File.ReadLines("/etc/passwd").FirstOrDefault(line => line.StartsWith("nobody:", StringComparison.Ordinal));
        if (entry is null)
        {
            return new MailUser(65534, 65534);
        }

        var fields = entry.Split(':');
        return new MailUser(int.Parse(fields[2], CultureInfo.InvariantCulture), int.Parse(fields[3], CultureInfo.InvariantCulture));
    }
}
