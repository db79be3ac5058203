using System.Collections.Concurrent;
using System.Data.Common;
using System.Net;
using System.Text.RegularExpressions;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Madoguchi.IntegrationTests.Data;

/// <summary>The queries marked <see cref="PreparedQueries.Prepared{T}"/> are prepared on PostgreSQL, and so after five
/// runs use one generic plan, made without the parameters' values, when PostgreSQL judges it no dearer than the plans made
/// for them. On an inbox with the skew of real ones (most tickets 対応完了, a common and a rare label, assignees, reads),
/// every marked query that the screens run (each list tab, filter, sort and deep page, the API token, the user's and the
/// operator's session) is caught as the product runs it; its generic plan must be the plan PostgreSQL makes for the values
/// at hand (a query whose best plan depends on its values fails here and must not be marked), and PostgreSQL must choose
/// that generic plan itself (else the query is planned on every run, and preparing it saved nothing).</summary>
public sealed class PreparedQueryPlanTests
{
    [Fact]
    public async Task EveryMarkedQuery_IsPrepared_AndItsGenericPlanIsTheOneMadeForItsValues()
    {
        var marked = new MarkedCommands();
        await using var app = await MadoguchiApp.StartAsync(DatabaseProvider.Postgres, new Dictionary<string, string?>
        {
            ["Madoguchi:InboundPipeline:RunWorker"] = "false",
            ["Madoguchi:Receiving:WorkerEnabled"] = "false",
        }, services: s => s.ConfigureDbContext<MadoguchiDbContext>(o => o.AddInterceptors(marked)));
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var owner = await account.SignInOwnerAsync();
        var agent = await account.AddActiveUserAsync(owner, "担当", "一", owner: true);
        var seeded = await TicketListSeed.StoreAsync(app, account.Id, inbox.Id, [account.Owner.Id, agent.Id], 20_000);
        await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE"));
        var token = await app.TokenClientAsync(agent);
        var operatorClient = await app.SignInOperatorAsync();

        marked.On = true;
        var i0 = inbox.Id;
        string[] tabs =
        [
            $"inbox={i0}&status=open", $"inbox={i0}&status=pending", $"inbox={i0}&status=closed",
            $"inbox={i0}&status=closed&offset=5000", $"inbox={i0}&status=closed&offset={seeded.Closed - 50}",
            $"inbox={i0}&status=open&sort=oldest", $"inbox={i0}&status=closed&sort=created",
            $"inbox={i0}&status=open&assignee=me", $"inbox={i0}&status=closed&assignee={account.Owner.Id}", $"inbox={i0}&status=open&assignee=none",
            $"inbox={i0}&status=closed&label={seeded.Labels[0]}", $"inbox={i0}&status=open&label={seeded.Labels[^1]}",
            $"inbox={i0}&status=closed&label={seeded.Labels[0]}&offset=1000",
            $"inbox={i0}&status=pending&pendingReason=none", $"inbox={i0}&place=trash", $"inbox={i0}&place=spam", "status=open",
        ];
        // Each tab six times on each client (token and session): PostgreSQL switches a prepared statement to its generic plan after five.
        foreach (var client in new[] { token, owner })
        {
            for (var run = 0; run < 6; run++)
            {
                foreach (var tab in tabs)
                    await (await client.GetAsync($"/api/v1/tickets?{tab}")).AssertStatusAsync(HttpStatusCode.OK);
            }
        }
        await (await operatorClient.GetAsync("/api/v1/operator/accounts")).AssertStatusAsync(HttpStatusCode.OK);
        marked.On = false;

        var seen = marked.Seen.ToList();
        Assert.All(seen, c => Assert.True(c.WasPrepared, $"not prepared: {c.Sql}"));
        // What the screens run on every request: the token, the sessions, the visible inboxes, the page, the kept totals, a count.
        foreach (var table in new[] { "ApiTokens", "Operators", "InboxRoles", "TicketReads", "TicketBucketCounts", "TicketLabelCounts" })
            Assert.Contains(seen, c => c.Sql.Contains($"\"{table}\"", StringComparison.Ordinal));
        // A label tab's page is not marked: its best plan depends on how common the label is.
        Assert.DoesNotContain(seen, c => c.Sql.Contains("\"TicketReads\"", StringComparison.Ordinal) && c.Sql.Contains("\"LabelId\" = @", StringComparison.Ordinal));
        Assert.Contains(seen, c => c.Sql.Contains("count(*)", StringComparison.OrdinalIgnoreCase));

        var connectionString = await app.WithDbAsync(db => Task.FromResult(db.Database.GetConnectionString()!));
        var different = new List<string>();
        var replanned = new List<string>();
        foreach (var command in seen.DistinctBy(c => c.Sql + string.Join(",", c.Parameters.Select(p => p.Value is System.Collections.IList a ? string.Join("/", a.Cast<object>()) : p.Value))))
        {
            var (custom, generic, chosenIsGeneric) = await PlansAsync(connectionString, command);
            if (!custom.SequenceEqual(generic))
                different.Add($"{command.Sql}\n  for its values: {string.Join(" / ", custom)}\n  generic: {string.Join(" / ", generic)}");
            // Preparing pays only when PostgreSQL then keeps the generic plan on its own (it does when the generic plan's
            // estimate is not dearer than the plans made for the values): the values of the enums the tabs pick (place,
            // status) are written into the query, so that the estimates agree. A list of inboxes (the every-inbox tab) is
            // the exception: PostgreSQL estimates an array it has not seen as longer, and plans that page per call.
            if (!chosenIsGeneric && !command.Parameters.Any(p => p.Value is System.Collections.IList))
                replanned.Add(command.Sql);
        }
        Assert.True(different.Count == 0, string.Join("\n\n", different));
        Assert.True(replanned.Count == 0, "planned again on every run:\n" + string.Join("\n\n", replanned));
    }

    /// <summary>The plan PostgreSQL makes for the command's values (a custom plan) and its generic plan, each as the list of
    /// its steps (node and index, without estimates or one-time parameter tests), and whether PostgreSQL itself chooses the
    /// generic plan after five runs (<c>plan_cache_mode = auto</c>, the server's default). PostgreSQL 15 has no
    /// <c>EXPLAIN (GENERIC_PLAN)</c>: the statement is prepared under a name and explained with <c>EXPLAIN EXECUTE</c>
    /// under each <c>plan_cache_mode</c>.</summary>
    private static async Task<(List<string> Custom, List<string> Generic, bool ChosenIsGeneric)> PlansAsync(string connectionString, Recorded command)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var sql = command.Sql;
        for (var i = 0; i < command.Parameters.Count; i++)
            sql = Regex.Replace(sql, "@" + Regex.Escape(command.Parameters[i].ParameterName.TrimStart('@')) + "(?![A-Za-z0-9_])", "$$" + (i + 1));
        await using (var prepare = new NpgsqlCommand($"PREPARE madoguchi_check AS {sql}", connection))
            await prepare.ExecuteNonQueryAsync();
        // EXECUTE's arguments cannot be parameters of the EXPLAIN around it: written as literals, they are still the prepared
        // statement's parameters (the generic plan does not see them).
        var arguments = string.Join(", ", command.Parameters.Select(p => Literal(p.Value)));
        var execute = $"EXECUTE madoguchi_check{(arguments.Length > 0 ? $"({arguments})" : "")}";
        var plans = new List<List<string>>();
        var chosenIsGeneric = false;
        foreach (var mode in new[] { "force_custom_plan", "force_generic_plan", "auto" })
        {
            await using (var set = new NpgsqlCommand($"SET plan_cache_mode = {mode}", connection))
                await set.ExecuteNonQueryAsync();
            if (mode == "auto")
            {
                // Five runs planned for their values, then PostgreSQL weighs the generic plan against them.
                for (var run = 0; run < 5; run++)
                {
                    await using var warm = new NpgsqlCommand(execute, connection);
                    await using var drained = await warm.ExecuteReaderAsync();
                    while (await drained.ReadAsync())
                    {
                    }
                }
            }
            await using var explain = new NpgsqlCommand("EXPLAIN " + execute, connection);
            var steps = new List<string>();
            var text = new System.Text.StringBuilder();
            await using (var reader = await explain.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    var line = reader.GetString(0);
                    text.AppendLine(line);
                    var cost = line.IndexOf("  (cost=", StringComparison.Ordinal);
                    // A Result step tests a parameter once (a One-Time Filter) where the custom plan had the value folded in.
                    if (cost >= 0 && line[..cost].Trim().TrimStart('-', '>').Trim() is var step && step != "Result")
                        steps.Add(step);
                }
            }
            if (mode == "auto")
            {
                // A plan made for the values shows them (ids, a token's hash); the generic plan shows none.
                chosenIsGeneric = !command.Parameters.Any(p => p.Value switch
                {
                    Guid g => text.ToString().Contains(g.ToString(), StringComparison.Ordinal),
                    string { Length: >= 8 } value => text.ToString().Contains(value, StringComparison.Ordinal),
                    _ => false,
                });
            }
            else
                plans.Add(steps);
        }
        return (plans[0], plans[1], chosenIsGeneric);
    }

    private static string Literal(object? value) => value switch
    {
        null or DBNull => "NULL",
        Guid g => $"'{g}'::uuid",
        bool b => b ? "true" : "false",
        int or long or short => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!,
        DateTime d => $"'{d.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture)}+00'::timestamptz",
        string text => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'",
        System.Collections.IEnumerable list => $"ARRAY[{string.Join(", ", list.Cast<object>().Select(Literal))}]::uuid[]",
        _ => throw new NotSupportedException($"A parameter of type {value.GetType()}."),
    };

    private sealed record Recorded(string Sql, bool WasPrepared, List<NpgsqlParameter> Parameters);

    /// <summary>Every marked command the app runs while <see cref="On"/>, as it ran (after the product's own interceptor).</summary>
    private sealed class MarkedCommands : DbCommandInterceptor
    {
        public volatile bool On;
        public ConcurrentQueue<Recorded> Seen { get; } = new();

        public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
        {
            Record(command);
            return result;
        }

        public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return ValueTask.FromResult(result);
        }

        private void Record(DbCommand command)
        {
            if (On && PreparedQueries.IsMarked(command) && command is NpgsqlCommand npgsql)
                Seen.Enqueue(new Recorded(command.CommandText, npgsql.IsPrepared, npgsql.Parameters.Select(p => p.Clone()).ToList()));
        }
    }
}
