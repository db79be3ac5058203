using System.Collections;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.Memory;

namespace Madoguchi.Web.Hosting;

public static class MadoguchiHost
{
    public const string EnvironmentPrefix = "MADOGUCHI_";

    /// <summary>The web host builder: settings from appsettings.json beside the binary, then MADOGUCHI_ environment
    /// variables, then the command line (<c>--urls</c>, <c>--Madoguchi:DataDirectory</c> …).</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // `dotnet run --project src/Madoguchi.Web` starts in the repository root; appsettings.json lives beside the binary.
            ContentRootPath = AppContext.BaseDirectory,
        });
        InsertBeforeCommandLine(builder.Configuration, ReadPrefixedEnvironment(Environment.GetEnvironmentVariables()));
        // Static web assets (MudBlazor's CSS and JS) resolve from the build output in every environment, not only Development.
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    /// <summary>MADOGUCHI_DATABASE__PROVIDER=Postgres becomes Madoguchi:Database:Provider; MADOGUCHI_URLS becomes Urls.</summary>
    internal static Dictionary<string, string?> ReadPrefixedEnvironment(IDictionary variables)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in variables)
        {
            var name = (string)entry.Key;
            if (!name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
                continue;
            var rest = name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal);
            var key = rest.Equals("URLS", StringComparison.OrdinalIgnoreCase) ? "Urls" : "Madoguchi:" + rest;
            settings[key] = entry.Value as string;
        }
        return settings;
    }

    private static void InsertBeforeCommandLine(ConfigurationManager configuration, Dictionary<string, string?> settings)
    {
        var sources = ((IConfigurationBuilder)configuration).Sources;
        var commandLine = sources.Select((s, i) => (s, i)).LastOrDefault(x => x.s is CommandLineConfigurationSource);
        var source = new MemoryConfigurationSource { InitialData = settings };
        if (commandLine.s is null)
            sources.Add(source);
        else
            sources.Insert(commandLine.i, source);
    }
}
