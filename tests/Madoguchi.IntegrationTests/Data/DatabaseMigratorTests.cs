using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

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
            var all = await PendingAsync(database);
            Assert.True(all.Count > 1);

            // An installation one release behind: every migration but the last applied.
            await using (var context = database.NewContext())
            {
                await context.GetService<IMigrator>().MigrateAsync(all[^2]);
            }
            Assert.Equal([all[^1]], await PendingAsync(database));

            Assert.True(await database.MigrateAsync());
            Assert.Empty(await PendingAsync(database));

            // Current already: the migration step is skipped, and the app's tables still answer.
            Assert.False(await database.MigrateAsync());
            Assert.Empty(await PendingAsync(database));
            await using var check = database.NewContext();
            Assert.Equal(0, await check.Accounts.CountAsync());
        }
        finally
        {
            Directory.Delete(database.DataDirectory, recursive: true);
        }
    }

    private static async Task<List<string>> PendingAsync(TestDatabase database)
    {
        await using var context = database.NewContext();
        return [.. await context.Database.GetPendingMigrationsAsync()];
    }
}
