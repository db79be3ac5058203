using System.Security.Cryptography;
using Madoguchi.Core.Data;
using Madoguchi.Core.Data.Keys;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Madoguchi.Tests.Data;

public sealed class PlaintextKeyEncryptionTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("madoguchi-keys-");

    [Fact]
    public void KeyStoredInClear_IsEncryptedInPlace_AndStillUnprotectsOldData()
    {
        var key = new KeyEncryptionKey(
            Options.Create(new DataProtectionKeyOptions { Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }),
            Options.Create(new StorageLocationOptions { DataDirectory = _folder.FullName }));
        var before = _folder.CreateSubdirectory("before");
        // As installations stored keys before the key file: no encryptor, the master key in clear.
        using (var old = Provider(before, null))
        {
            var payload = old.GetDataProtector("test").Protect("mail password");
            var xmlFile = Assert.Single(before.GetFiles("*.xml"));
            var clear = File.ReadAllText(xmlFile.FullName);
            Assert.Contains("<masterKey", clear, StringComparison.Ordinal);

            var encrypted = PlaintextKeyEncryption.EncryptInPlace(clear, new KeyFileXmlEncryptor(key));

            Assert.NotNull(encrypted);
            Assert.DoesNotContain("<masterKey", encrypted, StringComparison.Ordinal);
            Assert.Null(PlaintextKeyEncryption.EncryptInPlace(encrypted, new KeyFileXmlEncryptor(key)));
            var after = _folder.CreateSubdirectory("after");
            File.WriteAllText(Path.Combine(after.FullName, xmlFile.Name), encrypted);
            using var upgraded = Provider(after, key);
            Assert.Equal("mail password", upgraded.GetDataProtector("test").Unprotect(payload));
        }
    }

    private static ServiceProvider Provider(DirectoryInfo keys, KeyEncryptionKey? key)
    {
        var services = new ServiceCollection();
        services.AddDataProtection().SetApplicationName("Madoguchi").PersistKeysToFileSystem(keys);
        if (key is not null)
        {
            services.AddSingleton(key);
            services.AddOptions<KeyManagementOptions>().Configure(o => o.XmlEncryptor = new KeyFileXmlEncryptor(key));
        }
        return services.BuildServiceProvider();
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
