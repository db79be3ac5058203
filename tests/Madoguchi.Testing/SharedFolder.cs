namespace Madoguchi.Testing;

/// <summary>The project's shared material (<c>../shared</c> beside the clone: the mailbox generator, real mail), which
/// CI lays out but a user's own clone does not have. Callers fall back to material of their own when it is absent.</summary>
public static class SharedFolder
{
    /// <summary>The path of a file under ../shared, or null when there is no such file.</summary>
    public static string? Find(params string[] relative)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (!File.Exists(Path.Combine(folder.FullName, "Madoguchi.slnx")))
                continue;
            var path = Path.Combine([folder.FullName, "..", "shared", .. relative]);
            return File.Exists(path) ? Path.GetFullPath(path) : null;
        }
        return null;
    }
}
