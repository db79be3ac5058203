namespace Madoguchi.BrowserTests.Infrastructure;

/// <summary>Screenshots go next to the test binaries (bin/…/screenshots) so a reviewer can open them after a run.</summary>
public static class Screenshots
{
    public static string PathFor(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".png");
    }
}
