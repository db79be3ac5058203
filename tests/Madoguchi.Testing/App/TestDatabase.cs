using Madoguchi.Core.Data;
using Xunit;

namespace Madoguchi.Testing.App;

/// <summary>A fresh, empty database of one provider for one app under test.</summary>
public sealed record TestDatabase(DatabaseProvider Provider, string ConnectionString, string DataDirectory)
{
    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        var folder = Directory.CreateTempSubdirectory("madoguchi-test-").FullName;
        if (provider == DatabaseProvider.Sqlite)
            return new TestDatabase(provider, $"Data Source={Path.Combine(folder, "madoguchi.db")};Default Timeout=30", folder);
        var connectionString = await (await Servers.PostgresServer.GetSharedAsync()).CreateDatabaseAsync("madoguchi");
        return new TestDatabase(provider, connectionString, folder);
    }
}

/// <summary>Theory data that runs a test once per database provider; both always run, none is skipped.</summary>
public static class Providers
{
    public static TheoryData<DatabaseProvider> Both => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };
}
