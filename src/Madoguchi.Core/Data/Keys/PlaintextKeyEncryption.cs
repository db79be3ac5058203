using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Data.Keys;

/// <summary>Keys stored before the key file existed were kept in the database in clear. At start-up their secret parts are
/// encrypted in place, in the same form Data Protection writes for new keys, so an older installation's database stops
/// revealing them too. Keys already encrypted are left as they are.</summary>
public sealed class PlaintextKeyEncryption(MadoguchiDbContext db, KeyEncryptionKey key)
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName RequiresEncryption = DataProtection + "requiresEncryption";
    private static readonly XName EncryptedSecret = DataProtection + "encryptedSecret";

    public async Task<int> HandleAsync(CancellationToken ct)
    {
        var encryptor = new KeyFileXmlEncryptor(key);
        var changed = 0;
        foreach (var row in await db.DataProtectionKeys.ToListAsync(ct))
        {
            if (row.Xml is null || EncryptInPlace(row.Xml, encryptor) is not { } encrypted)
                continue;
            row.Xml = encrypted;
            changed++;
        }
        if (changed > 0)
            await db.SaveChangesAsync(ct);
        return changed;
    }

    /// <summary>The key XML with every secret encrypted, or null when it holds none in clear.</summary>
    internal static string? EncryptInPlace(string xml, KeyFileXmlEncryptor encryptor)
    {
        var document = XElement.Parse(xml);
        var secrets = document.Descendants().Where(e => (string?)e.Attribute(RequiresEncryption) == "true").ToList();
        if (secrets.Count == 0)
            return null;
        foreach (var secret in secrets)
        {
            var info = encryptor.Encrypt(new XElement(secret));
            secret.ReplaceWith(new XElement(EncryptedSecret, new XAttribute("decryptorType", info.DecryptorType.AssemblyQualifiedName!), info.EncryptedElement));
        }
        return document.ToString(SaveOptions.DisableFormatting);
    }
}
