using Madoguchi.Core.Storage;

namespace Madoguchi.Tests.Storage;

/// <summary>Opening a folder for fsync uses no flag whose number depends on the CPU (O_DIRECTORY is 0x10000 on x64 but
/// 0x4000 on arm64, where 0x10000 is O_DIRECT). Touches only a temporary folder.</summary>
public sealed class DirectorySyncTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("madoguchi-dirsync-").FullName;

    [Fact]
    public void OpenFlags_AreORdOnly_TheSameNumberOnEveryLinuxArchitecture()
    {
        Assert.Equal(0, DirectorySync.OpenFlags);
    }

    [Fact]
    public void Fsync_Folder_Succeeds()
    {
        File.WriteAllText(Path.Combine(_folder, "a"), "x");

        DirectorySync.Fsync(_folder);
        DirectorySync.SyncFileSystem(_folder);
    }

    [Fact]
    public void Fsync_NotAFolder_Throws()
    {
        var file = Path.Combine(_folder, "file");
        File.WriteAllText(file, "x");

        Assert.Throws<DirectoryNotFoundException>(() => DirectorySync.Fsync(file));
        Assert.Throws<DirectoryNotFoundException>(() => DirectorySync.Fsync(Path.Combine(_folder, "missing")));
    }

    [Fact]
    public void Rename_ReplacesTheTargetAtomically()
    {
        var from = Path.Combine(_folder, "from");
        var to = Path.Combine(_folder, "to");
        File.WriteAllText(from, "new");
        File.WriteAllText(to, "old");

        DirectorySync.Rename(from, to);

        Assert.False(File.Exists(from));
        Assert.Equal("new", File.ReadAllText(to));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
