using System.Net;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Madoguchi.IntegrationTests.Health;

public sealed class HealthTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Healthz_And_Readyz_AnswerWithoutSignIn(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var client = app.NewClient();

        var health = await client.GetAsync("/healthz");
        var ready = await client.GetAsync("/readyz");

        await health.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("ok", await health.Content.ReadAsStringAsync());
        await ready.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal("ready", await ready.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Readyz_DatabaseGone_Answers503WhileHealthzStaysUp(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var client = app.NewClient();
        await (await client.GetAsync("/readyz")).AssertStatusAsync(HttpStatusCode.OK);

        await RemoveDatabaseAsync(app.Database);

        await (await client.GetAsync("/readyz")).ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        await (await client.GetAsync("/healthz")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task DefaultSqliteFile_DeletedUnderTheRunningApp_IsNotRecreatedEmpty()
    {
        // No connection string: the file under the data folder, as a new installation runs.
        await using var app = await MadoguchiApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Madoguchi:Database:ConnectionString"] = "" });
        var client = app.NewClient();
        var file = Path.Combine(app.Database.DataDirectory, "madoguchi.db");
        await (await client.GetAsync("/readyz")).AssertStatusAsync(HttpStatusCode.OK);
        Assert.True(File.Exists(file));

        SqliteConnection.ClearAllPools();
        foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            File.Delete(path);

        await (await client.GetAsync("/readyz")).ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.False(File.Exists(file));
    }

    private static async Task RemoveDatabaseAsync(TestDatabase database)
    {
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
                File.Delete(path);
            return;
        }
        var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database;
        var server = await PostgresServer.GetSharedAsync();
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
