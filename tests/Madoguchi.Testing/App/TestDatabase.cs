using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Xunit;

namespace Madoguchi.Testing.App;

/// <summary>A database of one provider of its own for one app under test, in a data folder of its own.</summary>
public sealed record TestDatabase(DatabaseProvider Provider, string ConnectionString, string DataDirectory)
{
    /// <summary>An empty database (no tables), as a new installation has before its first start: for tests of the
    /// migrations themselves and of what happens at a first start.</summary>
    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        var folder = Directory.CreateTempSubdirectory("madoguchi-test-").FullName;
        if (provider == DatabaseProvider.Sqlite)
            return new TestDatabase(provider, SqliteConnectionString(folder), folder);
        var postgres = await Servers.PostgresServer.GetSharedAsync();
        var connectionString = await postgres.CreateDatabaseAsync("madoguchi");
        return new TestDatabase(provider, connectionString, folder);
    }

    /// <summary>A copy of a database already at the current schema (as after an installation's first start, before
    /// any setup): the app's start-up finds nothing to migrate. Every test app gets one unless it asks for an empty one.</summary>
    public static async Task<TestDatabase> CreateMigratedAsync(DatabaseProvider provider)
    {
        var folder = Directory.CreateTempSubdirectory("madoguchi-test-").FullName;
        if (provider == DatabaseProvider.Sqlite)
        {
            File.Copy(await MigratedTemplates.SqliteAsync(), Path.Combine(folder, DatabaseFile));
            return new TestDatabase(provider, SqliteConnectionString(folder), folder);
        }
        var template = await MigratedTemplates.PostgresAsync();
        var postgres = await Servers.PostgresServer.GetSharedAsync();
        var connectionString = await postgres.CopyDatabaseAsync(template, "madoguchi");
        return new TestDatabase(provider, connectionString, folder);
    }

    /// <summary>A context on this database outside any app; <paramref name="compiledModel"/> false builds the model from
    /// the code (as the design-time factories do) instead of reading the compiled one.</summary>
    public MadoguchiDbContext NewContext(bool compiledModel = true)
    {
        var options = new DbContextOptionsBuilder<MadoguchiDbContext>();
        DataServiceCollectionExtensions.Configure(options, DatabaseOptions, Location, compiledModel);
        return new MadoguchiDbContext(options.Options);
    }

    /// <summary>Runs the product's start-up migration (<see cref="DatabaseMigrator"/>) on this database; true when it applied any.</summary>
    public async Task<bool> MigrateAsync()
    {
        await using var context = NewContext();
        return await new DatabaseMigrator(context, Options.Create(DatabaseOptions), Options.Create(Location)).MigrateAsync(CancellationToken.None);
    }

    private DatabaseOptions DatabaseOptions => new() { Provider = Provider, ConnectionString = ConnectionString };

    private StorageLocationOptions Location => new() { DataDirectory = DataDirectory };

    private const string DatabaseFile = "madoguchi.db";

    private static string SqliteConnectionString(string folder) => $"Data Source={Path.Combine(folder, DatabaseFile)};Default Timeout=30";
}

/// <summary>Theory data that runs a test once per database provider; both always run, none is skipped.</summary>
public static class Providers
{
    public static TheoryData<DatabaseProvider> Both => new() { DatabaseProvider.Sqlite, DatabaseProvider.Postgres };
}
