using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Core.Data.Keys;

/// <summary>Encrypts each Data Protection key's secret part with <see cref="KeyEncryptionKey"/> (AES-256-GCM) before it is
/// stored in the database.</summary>
public sealed class KeyFileXmlEncryptor(KeyEncryptionKey key) : IXmlEncryptor
{
    internal static readonly XName Element = "madoguchiEncryptedKey";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var ciphertext = new byte[plaintext.Length];
        using (var aes = new AesGcm(key.Value, tag.Length))
            aes.Encrypt(nonce, plaintext, ciphertext, tag);
        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(Element,
            new XAttribute("version", "1"),
            new XAttribute("key", key.Fingerprint),
            new XComment(" Encrypted with Madoguchi's key file (Madoguchi:DataProtection), which is not in the database. "),
            new XElement("value", Convert.ToBase64String([.. nonce, .. tag, .. ciphertext])));
        return new EncryptedXmlInfo(element, typeof(KeyFileXmlDecryptor));
    }
}

/// <summary>Reverses <see cref="KeyFileXmlEncryptor"/>; Data Protection creates it by name with the service provider.</summary>
public sealed class KeyFileXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var key = services.GetRequiredService<KeyEncryptionKey>();
        var data = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? throw new CryptographicException("The encrypted key has no value."));
        var nonceSize = AesGcm.NonceByteSizes.MaxSize;
        var tagSize = AesGcm.TagByteSizes.MaxSize;
        if (data.Length < nonceSize + tagSize)
            throw new CryptographicException("The encrypted key is too short.");
        var plaintext = new byte[data.Length - nonceSize - tagSize];
        try
        {
            using var aes = new AesGcm(key.Value, tagSize);
            aes.Decrypt(data.AsSpan(0, nonceSize), data.AsSpan(nonceSize + tagSize), data.AsSpan(nonceSize, tagSize), plaintext);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new CryptographicException(
                $"A Data Protection key was encrypted with another key file (key {(string?)encryptedElement.Attribute("key")}, this instance has {key.Fingerprint}: {key.FilePath}). Restore the key file from the backup, or set Madoguchi:DataProtection:Key.", e);
        }
        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}
