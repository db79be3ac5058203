using System.Globalization;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.Data.Sqlite;

namespace Madoguchi.IntegrationTests.Data;

/// <summary>SQLite's write-ahead log does not grow without end while connections read in overlapping turns (a
/// 100,000-message import left a 28 GB log and slowed to a crawl): the running app empties it past its limit.</summary>
public sealed class SqliteWalCheckpointTests
{
    private const long Limit = 1024 * 1024;
    private const int Rows = 200;

    [Fact]
    public async Task Sqlite_LogPastItsLimit_IsEmptied_WhileReadersOverlap_AndKeepsEveryRow()
    {
        await using var app = await MadoguchiApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Madoguchi:Database:WalTruncateBytes"] = Limit.ToString(CultureInfo.InvariantCulture),
            ["Madoguchi:Database:WalCheckInterval"] = "00:00:00.100",
        });
        var connectionString = app.Database.ConnectionString;
        var wal = new SqliteConnectionStringBuilder(connectionString).DataSource + "-wal";
        await using var writer = await OpenAsync(connectionString);
        await ExecuteAsync(writer, "CREATE TABLE \"WalTest\" (\"Id\" INTEGER PRIMARY KEY, \"Data\" BLOB NOT NULL);");

        // Two readers in overlapping read transactions: at every moment one of them holds a snapshot, so SQLite's own
        // checkpoints never find a moment to start the log over.
        using var stop = new CancellationTokenSource();
        var readers = Task.WhenAll(ReadInTurnsAsync(connectionString, TimeSpan.Zero, stop.Token), ReadInTurnsAsync(connectionString, TimeSpan.FromMilliseconds(25), stop.Token));
        long largest = 0;
        for (var i = 0; i < Rows; i++)
        {
            await using var insert = writer.CreateCommand();
            insert.CommandText = "INSERT INTO \"WalTest\" (\"Data\") VALUES (randomblob(65536));";
            await insert.ExecuteNonQueryAsync();
            largest = Math.Max(largest, new FileInfo(wal).Length);
        }

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (new FileInfo(wal).Length > Limit && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        var after = new FileInfo(wal).Length;
        await stop.CancelAsync();
        await readers;

        Assert.True(largest > Limit, $"the test must drive the log past its limit (largest {largest:N0} bytes)");
        Assert.True(after <= Limit, $"log still {after:N0} bytes (limit {Limit:N0}) with readers overlapping");
        await using var check = await OpenAsync(connectionString);
        await using var count = check.CreateCommand();
        count.CommandText = "SELECT COUNT(*), SUM(length(\"Data\")) FROM \"WalTest\";";
        await using var result = await count.ExecuteReaderAsync();
        Assert.True(await result.ReadAsync());
        Assert.Equal((Rows, Rows * 65536L), (result.GetInt32(0), result.GetInt64(1)));
    }

    private static async Task ReadInTurnsAsync(string connectionString, TimeSpan offset, CancellationToken ct)
    {
        await Task.Delay(offset, CancellationToken.None);
        await using var connection = await OpenAsync(connectionString);
        while (!ct.IsCancellationRequested)
        {
            // Deferred: a read transaction (Microsoft.Data.Sqlite's default begins IMMEDIATE, as a writer).
            await using var transaction = connection.BeginTransaction(deferred: true);
            await using (var read = connection.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = "SELECT COUNT(*) FROM \"WalTest\";";
                await read.ExecuteScalarAsync(CancellationToken.None);
            }
            await Task.Delay(50, CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }
    }

    private static async Task<SqliteConnection> OpenAsync(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, "PRAGMA busy_timeout = 10000;");
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
