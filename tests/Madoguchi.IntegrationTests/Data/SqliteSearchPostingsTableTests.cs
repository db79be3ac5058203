using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Madoguchi.IntegrationTests.Data;

/// <summary>On SQLite the postings live in a WITHOUT ROWID table (one B-tree instead of a rowid table plus an index of the
/// same columns; the model cannot say so, only the migration does): an upgraded database keeps every posting, a new one
/// has the same table, and the key still refuses a duplicate.</summary>
public sealed class SqliteSearchPostingsTableTests
{
    private const string Migration = "SearchPostingsWithoutRowid";

    [Fact]
    public async Task UpgradedAndNewDatabases_PostingsWithoutRowid_EveryPostingKept()
    {
        var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        try
        {
            await using (var context = database.NewContext())
            {
                var all = (await context.Database.GetPendingMigrationsAsync()).ToList();
                var index = all.FindIndex(m => m.EndsWith("_" + Migration, StringComparison.Ordinal));
                Assert.True(index > 0, "the migration is there");
                await context.GetService<IMigrator>().MigrateAsync(all[index - 1]);
                Assert.DoesNotContain("WITHOUT ROWID", await TableSqlAsync(context), StringComparison.OrdinalIgnoreCase);
                await context.Database.ExecuteSqlRawAsync(
                    "INSERT INTO \"SearchPostings\" (\"Gram\", \"DocumentKey\") VALUES (7, 3), (7, 1), (2, 9), (-5, 4611686018427387904)");
            }

            Assert.True(await database.MigrateAsync());

            await using var check = database.NewContext();
            Assert.Contains("WITHOUT ROWID", await TableSqlAsync(check), StringComparison.OrdinalIgnoreCase);
            var rows = await check.SearchPostings.AsNoTracking().OrderBy(p => p.Gram).ThenBy(p => p.DocumentKey).Select(p => new { p.Gram, p.DocumentKey }).ToListAsync();
            Assert.Equal([new { Gram = -5, DocumentKey = 4611686018427387904L }, new { Gram = 2, DocumentKey = 9L }, new { Gram = 7, DocumentKey = 1L }, new { Gram = 7, DocumentKey = 3L }], rows);
            await Assert.ThrowsAnyAsync<Exception>(() => check.Database.ExecuteSqlRawAsync("INSERT INTO \"SearchPostings\" (\"Gram\", \"DocumentKey\") VALUES (7, 3)"));
            Assert.Equal(0, await check.Database.ExecuteSqlRawAsync("INSERT INTO \"SearchPostings\" (\"Gram\", \"DocumentKey\") VALUES (7, 3) ON CONFLICT DO NOTHING"));
        }
        finally
        {
            Directory.Delete(database.DataDirectory, recursive: true);
        }

        var fresh = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        try
        {
            await fresh.MigrateAsync();
            await using var context = fresh.NewContext();
            Assert.Contains("WITHOUT ROWID", await TableSqlAsync(context), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            Directory.Delete(fresh.DataDirectory, recursive: true);
        }
    }

    private static async Task<string> TableSqlAsync(MadoguchiDbContext context) =>
        await context.Database.SqlQueryRaw<string>("SELECT sql AS \"Value\" FROM sqlite_master WHERE type = 'table' AND name = 'SearchPostings'").SingleAsync();
}
