using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Servers;

/// <summary>The databases test apps start on: copies of one migrated template, made safely by test classes running at
/// once, each a database of its own; and empty ones for tests of migrations and first starts.</summary>
public sealed class TestDatabaseTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateMigrated_SeveralAtOnce_EachIsCurrentWithoutDataAndItsOwn(DatabaseProvider provider)
    {
        var copies = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => TestDatabase.CreateMigratedAsync(provider))));
        try
        {
            foreach (var copy in copies)
            {
                await using var db = copy.NewContext();
                Assert.Empty(await db.Database.GetPendingMigrationsAsync());
                Assert.Equal(0, await db.Accounts.CountAsync());
                Assert.Equal(0, await db.Operators.CountAsync());
                Assert.Equal(0, await db.DataProtectionKeys.CountAsync());
            }

            // Forgetting the history in one copy leaves the others, and copies made afterwards, current.
            await using (var first = copies[0].NewContext())
            {
                await first.Database.ExecuteSqlRawAsync("DELETE FROM \"__EFMigrationsHistory\"");
                Assert.Equal(first.Database.GetMigrations(), await first.Database.GetPendingMigrationsAsync());
            }
            var later = await TestDatabase.CreateMigratedAsync(provider);
            copies = [.. copies, later];
            foreach (var copy in copies[1..])
            {
                await using var db = copy.NewContext();
                Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            }
        }
        finally
        {
            foreach (var copy in copies)
                Directory.Delete(copy.DataDirectory, recursive: true);
        }
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Create_IsEmpty_EveryMigrationPending(DatabaseProvider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        try
        {
            await using var db = database.NewContext();
            Assert.Empty(await db.Database.GetAppliedMigrationsAsync());
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetPendingMigrationsAsync());
        }
        finally
        {
            Directory.Delete(database.DataDirectory, recursive: true);
        }
    }
}
