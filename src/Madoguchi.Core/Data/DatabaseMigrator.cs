using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Data;

/// <summary>Brings the database to the current schema at start-up: creates the data folder, turns on WAL for SQLite, applies
/// migrations. Answers whether any migration was applied.</summary>
public sealed class DatabaseMigrator(MadoguchiDbContext db, IOptions<DatabaseOptions> database, IOptions<StorageLocationOptions> location)
{
    public async Task<bool> MigrateAsync(CancellationToken cancellationToken)
    {
        if (database.Value.Provider == DatabaseProvider.Sqlite)
        {
            var connectionString = DataServiceCollectionExtensions.SqliteConnectionString(database.Value, location.Value, create: true);
            var folder = Path.GetDirectoryName(Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource));
            if (folder is not null)
                Directory.CreateDirectory(folder);
            // The only connection allowed to create the file (the others open it read-write).
            db.Database.SetConnectionString(connectionString);
        }

        // A database already at the current schema (every start but the first after an upgrade) skips Migrate: besides
        // reading the history it takes the migrations lock and checks the model against the last migration's snapshot,
        // ~0.7 CPU s before any worker starts (bench/README.md). ModelTests guards that check in the build instead.
        var migrate = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Any();
        if (migrate)
            await db.Database.MigrateAsync(cancellationToken);

        if (database.Value.Provider == DatabaseProvider.Sqlite)
            // WAL lets readers work while the fetcher writes; the setting is kept in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken);
        return migrate;
    }
}
