using System.Diagnostics;

namespace Madoguchi.IntegrationTests.Telemetry;

/// <summary>Prometheus's own parser and linter of the text exposition format: <c>promtool check metrics</c> from Debian's
/// <c>prometheus</c> package (./test.sh installs it). Missing, it fails the test: a metrics test must never pass unchecked.</summary>
public static class Promtool
{
    /// <summary>Exit 0: parsed, no lint problem. 1: the text does not parse. 3: parsed, with lint problems (listed).</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        var path = Find() ?? throw new InvalidOperationException(
            "promtool was not found on PATH: install Debian's prometheus package (./test.sh installs it with the other test dependencies).");
        using var process = Process.Start(new ProcessStartInfo(path)
        {
            ArgumentList = { "check", "metrics" },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>Asserts the text parses, and that none of the lint problems concerns a metric of ours.</summary>
    public static async Task AssertValidAsync(string exposition)
    {
        var (exitCode, output) = await CheckMetricsAsync(exposition);
        Assert.True(exitCode is 0 or 3, $"promtool could not parse /metrics (exit {exitCode}): {output}");
        var ours = output.Split('\n').Where(l => l.StartsWith("madoguchi_", StringComparison.Ordinal)).ToList();
        Assert.True(ours.Count == 0, "promtool's lint problems with our metrics:\n" + string.Join('\n', ours));
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Select(d => Path.Combine(d, "promtool")).FirstOrDefault(File.Exists);
}
