using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Data.Keys;

/// <summary>The AES-256 key that encrypts Data Protection keys at rest: from <c>Madoguchi:DataProtection:Key</c>, else from
/// the key file, which is created (0600, folder 0700) on first use. A copy of the database without it reveals no mail
/// password and lets nobody forge a session cookie.</summary>
public sealed class KeyEncryptionKey
{
    public const int Size = 32;
    private readonly Lazy<byte[]> _key;

    public KeyEncryptionKey(IOptions<DataProtectionKeyOptions> options, IOptions<StorageLocationOptions> location)
    {
        var settings = options.Value;
        FilePath = Path.GetFullPath(string.IsNullOrWhiteSpace(settings.KeyFile)
            ? Path.Combine(location.Value.FullDataDirectory, "keys", "data-protection.key")
            : settings.KeyFile);
        _key = new Lazy<byte[]>(() => !string.IsNullOrWhiteSpace(settings.Key) && TryDecode(settings.Key, out var key) ? key : LoadOrCreate(FilePath));
    }

    /// <summary>Where the key file is (or would be, when the key comes from the setting).</summary>
    public string FilePath { get; }

    internal byte[] Value => _key.Value;

    /// <summary>Short, non-secret name of the key, stored beside what it encrypted so a wrong key is named in errors.</summary>
    internal string Fingerprint => Convert.ToHexString(SHA256.HashData(Value).AsSpan(0, 6)).ToLowerInvariant();

    public static bool TryDecode(string text, out byte[] key)
    {
        key = [];
        try
        {
            key = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            return false;
        }
        return key.Length == Size;
    }

    private static byte[] LoadOrCreate(string path)
    {
        if (File.Exists(path))
            return Read(path);
        var folder = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(folder);
        else
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // Written whole under a temporary name, then linked into place without overwriting: two instances starting at
        // once on one data folder end up with the same key, and nobody ever reads half a file.
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.WriteThrough };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(Size)) + "\n"));
                stream.Flush(flushToDisk: true);
            }
            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another instance was first: use its key.
            }
        }
        finally
        {
            File.Delete(temporary);
        }
        return Read(path);
    }

    private static byte[] Read(string path)
    {
        // A key file copied in with a loose mode (restored from a backup, say) is made readable by this user only again.
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & others) != 0)
        {
            try
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            catch (UnauthorizedAccessException)
            {
                // Owned by someone else (a read-only mount): leave it; the operator set it up that way.
            }
        }
        return TryDecode(File.ReadAllText(path), out var key)
            ? key
            : throw new InvalidOperationException($"The Data Protection key file {path} is damaged: it must hold 32 bytes in base64. Restore it from the backup.");
    }
}
