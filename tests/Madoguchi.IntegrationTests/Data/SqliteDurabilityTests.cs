using System.Data.Common;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Data;

/// <summary>The SQLite durability level the README promises, read from the running app's own connections.</summary>
public sealed class SqliteDurabilityTests
{
    [Fact]
    public async Task Sqlite_RunningApp_CommitsInWalWithSynchronousFull_TemporaryDataInMemory()
    {
        await using var app = await MadoguchiApp.StartAsync(DatabaseProvider.Sqlite);

        // Two contexts of the app's own DI: a pooled connection handed out again keeps the setting too.
        var first = await app.WithDbAsync(ReadAsync);
        var second = await app.WithDbAsync(ReadAsync);

        Assert.Equal(("wal", 2L, 2L), first);
        Assert.Equal(("wal", 2L, 2L), second);
    }

    private static async Task<(string JournalMode, long Synchronous, long TempStore)> ReadAsync(MadoguchiDbContext db)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            var connection = db.Database.GetDbConnection();
            return ((string)(await ScalarAsync(connection, "PRAGMA journal_mode;"))!, (long)(await ScalarAsync(connection, "PRAGMA synchronous;"))!,
                (long)(await ScalarAsync(connection, "PRAGMA temp_store;"))!);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<object?> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
