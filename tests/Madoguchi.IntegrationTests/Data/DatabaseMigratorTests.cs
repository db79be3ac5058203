using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Options;

namespace Madoguchi.IntegrationTests.Data;

/// <summary>The start-up migration only migrates when a migration is pending: a database one migration behind (an
/// upgrade) still gets the rest, a new one gets all, and a current one is left as it is.</summary>
public sealed class DatabaseMigratorTests
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task MigrateAsync_NewBehindAndCurrentDatabases_EndCurrent(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        try
        {
            var databaseOptions = new DatabaseOptions { Provider = provider, ConnectionString = database.ConnectionString };
            var location = new StorageLocationOptions { DataDirectory = database.DataDirectory };
            var all = await PendingAsync(databaseOptions, location);
            Assert.True(all.Count > 1);

            // An installation one release behind: every migration but the last applied.
            await using (var context = NewContext(databaseOptions, location))
            {
                await context.GetService<IMigrator>().MigrateAsync(all[^2]);
            }
            Assert.Equal([all[^1]], await PendingAsync(databaseOptions, location));

            Assert.True(await MigrateAsync(databaseOptions, location));
            Assert.Empty(await PendingAsync(databaseOptions, location));

            // Current already: the migration step is skipped, and the app's tables still answer.
            Assert.False(await MigrateAsync(databaseOptions, location));
            Assert.Empty(await PendingAsync(databaseOptions, location));
            await using var check = NewContext(databaseOptions, location);
            Assert.Equal(0, await check.Accounts.CountAsync());
        }
        finally
        {
            Directory.Delete(database.DataDirectory, recursive: true);
        }
    }

    private static async Task<bool> MigrateAsync(DatabaseOptions databaseOptions, StorageLocationOptions location)
    {
        await using var context = NewContext(databaseOptions, location);
        return await new DatabaseMigrator(context, Options.Create(databaseOptions), Options.Create(location)).MigrateAsync(CancellationToken.None);
    }

    private static async Task<List<string>> PendingAsync(DatabaseOptions databaseOptions, StorageLocationOptions location)
    {
        await using var context = NewContext(databaseOptions, location);
        return [.. await context.Database.GetPendingMigrationsAsync()];
    }

    private static MadoguchiDbContext NewContext(DatabaseOptions databaseOptions, StorageLocationOptions location)
    {
        var options = new DbContextOptionsBuilder<MadoguchiDbContext>();
        DataServiceCollectionExtensions.Configure(options, databaseOptions, location);
        return new MadoguchiDbContext(options.Options);
    }
}
