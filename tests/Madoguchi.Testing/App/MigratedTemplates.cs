using Madoguchi.Core.Data;
using Madoguchi.Testing.Servers;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Madoguchi.Testing.App;

/// <summary>
/// One database per provider migrated to the current schema, made once per test process by the product's own
/// <see cref="DatabaseMigrator"/>; each app under test gets a copy of it (<see cref="TestDatabase.CreateMigratedAsync"/>)
/// instead of applying every migration at its start, so its start-up finds the schema current and skips migrating.
/// Test classes run in parallel: <see cref="Lazy{T}"/> (thread-safe by default) makes the first caller build a template
/// and every other caller await the same task.
/// </summary>
internal static class MigratedTemplates
{
    private static readonly Lazy<Task<string>> SqliteFile = new(CreateSqliteAsync);
    private static readonly Lazy<Task<string>> PostgresDatabase = new(CreatePostgresAsync);

    /// <summary>Path of a closed SQLite file at the current schema: nothing writes to it after it is made, so copying it
    /// while other tests copy it too is safe.</summary>
    public static Task<string> SqliteAsync() => SqliteFile.Value;

    /// <summary>Name of a database of the shared PostgreSQL cluster at the current schema, marked as a template that
    /// accepts no connections (<c>CREATE DATABASE … TEMPLATE</c> refuses a source with open connections).</summary>
    public static Task<string> PostgresAsync() => PostgresDatabase.Value;

    private static async Task<string> CreateSqliteAsync()
    {
        var folder = Directory.CreateTempSubdirectory("madoguchi-template-").FullName;
        ProcessExitCleanup.Register(() => Directory.Delete(folder, recursive: true));
        var file = Path.Combine(folder, "madoguchi.db");
        // No pooling: the last connection closes with the migration, and closing it checkpoints the WAL into the file
        // and deletes the -wal and -shm files, so the one file holds the whole database.
        await new TestDatabase(DatabaseProvider.Sqlite, $"Data Source={file};Pooling=False", folder).MigrateAsync();
        var leftOver = Directory.GetFiles(folder).Where(f => f != file).ToList();
        if (leftOver.Count > 0)
            throw new InvalidOperationException($"The SQLite template is not closed; copying it alone would lose data in {string.Join(", ", leftOver)}.");
        return file;
    }

    private static async Task<string> CreatePostgresAsync()
    {
        var postgres = await PostgresServer.GetSharedAsync();
        var connectionString = await postgres.CreateDatabaseAsync("madoguchi_template");
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        var folder = Directory.CreateTempSubdirectory("madoguchi-template-").FullName;
        try
        {
            await new TestDatabase(DatabaseProvider.Postgres, new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString, folder).MigrateAsync();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        await using var admin = new NpgsqlConnection(postgres.AdminConnectionString);
        await admin.OpenAsync();
        await using var seal = new NpgsqlCommand($"ALTER DATABASE \"{name}\" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false", admin);
        await seal.ExecuteNonQueryAsync();
        return name;
    }
}
