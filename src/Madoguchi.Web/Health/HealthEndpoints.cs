using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Web.Health;

public static class HealthEndpoints
{
    /// <summary>/healthz: the process answers. /readyz: the database answers too, with Madoguchi's tables in it.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok")).ExcludeFromDescription();
        app.MapGet("/readyz", async (MadoguchiDbContext db, CancellationToken ct) =>
        {
            bool ready;
            try
            {
                // Not only a connection: the database must hold our schema. A SQLite file deleted under the running app may
                // be re-created empty, and that empty file would "connect"; a pooled connection opened before the deletion
                // still reads the deleted file. So SQLite is asked through a connection of its own to the file at its path.
                if (SqliteFile(db) is { } file)
                    await SqliteFileHoldsSchemaAsync(file, ct);
                else
                    await db.Database.ExecuteSqlRawAsync(SchemaQuery, ct);
                ready = true;
            }
            catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException)
            {
                ready = false;
            }
            return ready
                ? Results.Text("ready")
                : Results.Problem(statusCode: 503, title: "Not ready.", detail: "The database does not answer.");
        }).ExcludeFromDescription();
        return app;
    }

    private const string SchemaQuery = "SELECT 1 FROM \"__EFMigrationsHistory\" LIMIT 1";

    /// <summary>Opens the file without creating it (read-write: a WAL reader may need to create the shared-memory file),
    /// unpooled, and reads the migrations table: throws when the file is gone or is not Madoguchi's database.</summary>
    private static async Task SqliteFileHoldsSchemaAsync(string file, CancellationToken ct)
    {
        var connectionString = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
        {
            DataSource = file, Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 5,
        }.ToString();
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = SchemaQuery;
        await command.ExecuteScalarAsync(ct);
    }

    /// <summary>The SQLite database's file, or null (PostgreSQL, an in-memory database).</summary>
    private static string? SqliteFile(MadoguchiDbContext db) =>
        db.Database.IsSqlite() ? DataServiceCollectionExtensions.SqliteFilePath(db.Database.GetConnectionString()!) : null;
}
