using System.Data.Common;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Data;

/// <summary>The plan a database makes for a command (PostgreSQL <c>EXPLAIN</c>, SQLite <c>EXPLAIN QUERY PLAN</c>), one line
/// per step, and the steps that read a whole table.</summary>
internal static class QueryPlans
{
    public static async Task<List<string>> ExplainAsync(DbCommand query, DatabaseProvider provider)
    {
        await using var command = query;
        command.CommandText = (provider == DatabaseProvider.Postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + command.CommandText;
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
            lines.Add(provider == DatabaseProvider.Postgres ? reader.GetString(0) : reader.GetString(3));
        return lines;
    }

    /// <summary>A step that reads a whole table: a sequential scan (PostgreSQL) or a SCAN (SQLite).</summary>
    public static bool IsScan(string line, DatabaseProvider provider) => provider == DatabaseProvider.Postgres
        ? line.Contains("Seq Scan", StringComparison.Ordinal)
        : line.TrimStart().StartsWith("SCAN ", StringComparison.Ordinal);

    /// <summary>A step that reads a whole table or sorts (an order the index did not give): PostgreSQL <c>Sort</c>,
    /// SQLite <c>USE TEMP B-TREE</c>.</summary>
    public static bool IsScanOrSort(string line, DatabaseProvider provider) => IsScan(line, provider) || (provider == DatabaseProvider.Postgres
        ? line.TrimStart().StartsWith("Sort", StringComparison.Ordinal) || line.Contains("-> Sort", StringComparison.Ordinal)
        : line.Contains("TEMP B-TREE", StringComparison.Ordinal));

    /// <summary>Runs <paramref name="check"/> on one open connection, on PostgreSQL with sequential scans priced out (so a
    /// plan shows whether an index can serve the query at all, whatever the table's size), and returns what it found wrong.</summary>
    public static Task<List<string>> CheckAsync(MadoguchiApp app, DatabaseProvider provider, Func<MadoguchiDbContext, Task<List<string>>> check) =>
        app.WithDbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            if (provider == DatabaseProvider.Postgres)
                await db.Database.ExecuteSqlRawAsync("SET enable_seqscan = off");
            return await check(db);
        });
}
