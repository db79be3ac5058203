using System.Diagnostics;
using Madoguchi.Testing.Servers;
using Npgsql;
using Xunit.Abstractions;

namespace Madoguchi.IntegrationTests.Servers;

public sealed class PostgresServerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task CreateDatabase_AcceptsConnections()
    {
        var server = await PostgresServer.GetSharedAsync();
        var connectionString = await server.CreateDatabaseAsync("accepts");

        var version = await ScalarAsync<string>(connectionString, "SELECT version()");

        Assert.StartsWith("PostgreSQL", version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trigram_JapaneseSubstring_HasPositiveSimilarity()
    {
        var server = await PostgresServer.GetSharedAsync();
        var connectionString = await server.CreateDatabaseAsync("trgm");
        await ScalarAsync<object>(connectionString, "CREATE EXTENSION pg_trgm");

        // Under the C locale pg_trgm makes no trigrams of Japanese and this is 0.
        var similarity = await ScalarAsync<float>(connectionString, "SELECT similarity('請求書の送付', '請求書')");

        Assert.True(similarity > 0, $"similarity was {similarity}");
    }

    [Fact]
    public async Task CreateDatabase_TwoCalls_GiveSeparateEmptyDatabases()
    {
        var server = await PostgresServer.GetSharedAsync();
        var first = await server.CreateDatabaseAsync("same");
        var second = await server.CreateDatabaseAsync("same");
        await ScalarAsync<object>(first, "CREATE TABLE only_in_first (id int)");

        var tablesInSecond = await ScalarAsync<long>(
            second, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'only_in_first'");

        Assert.NotEqual(first, second);
        Assert.Equal(0, tablesInSecond);
    }

    [Fact]
    public async Task Dispose_OwnServer_StopsAcceptingConnections()
    {
        var started = Stopwatch.StartNew();
        var server = await PostgresServer.StartNewAsync();
        output.WriteLine($"PostgreSQL started in {started.ElapsedMilliseconds} ms");
        var connectionString = await server.CreateDatabaseAsync();
        Assert.Equal(1, await ScalarAsync<int>(connectionString, "SELECT 1"));

        await server.DisposeAsync();

        await Assert.ThrowsAsync<NpgsqlException>(() => ScalarAsync<int>(connectionString, "SELECT 1"));
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
