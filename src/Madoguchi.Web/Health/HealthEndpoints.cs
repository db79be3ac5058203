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
                // Not only a connection: the database must hold our schema. A SQLite file deleted under the running app is
                // re-created empty by the next connection any worker opens, and that empty file would "connect"; and a
                // pooled connection opened before the deletion still reads the deleted file, so the file itself must be there.
                await db.Database.ExecuteSqlRawAsync("SELECT 1 FROM \"__EFMigrationsHistory\" LIMIT 1", ct);
                ready = SqliteFile(db) is not { } file || File.Exists(file);
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

    /// <summary>The SQLite database's file, or null (PostgreSQL, an in-memory database).</summary>
    private static string? SqliteFile(MadoguchiDbContext db)
    {
        if (!db.Database.IsSqlite())
            return null;
        var source = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        return string.IsNullOrEmpty(source) || source == ":memory:" ? null : Path.GetFullPath(source);
    }
}
