using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Tickets;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

// The ticket list's server time under concurrent clients, on an inbox of N tickets, on each database.
// Usage: dotnet run -c Release --project bench/Madoguchi.Bench.Tickets -- [-n 100000] [--clients 20] [--rounds 5]
//        [--provider sqlite|postgres|both] [--explain] [--statements]
var count = Arg("-n", 100_000);
var clients = Arg("--clients", 20);
var rounds = Arg("--rounds", 5);
var explain = args.Contains("--explain");
// PostgreSQL only: what each statement cost the server in the measured rounds (pg_stat_statements: runs, plans, planning
// and run time, buffers), most expensive first.
var statements = args.Contains("--statements");
if (statements)
    Environment.SetEnvironmentVariable(Madoguchi.Testing.Servers.PostgresServer.ExtraOptionsVariable, "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on");
// PostgreSQL only: a Max Auto Prepare for the app's connections other than the product's default (0 turns it off), for A/B runs.
var maxAutoPrepare = ArgText("--max-auto-prepare", "");
DatabaseProvider[] providers = ArgText("--provider", "both") switch
{
    "sqlite" => [DatabaseProvider.Sqlite],
    "postgres" => [DatabaseProvider.Postgres],
    _ => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres],
};
Console.WriteLine(Inv($"{count} tickets in one inbox, {clients} concurrent clients, {rounds} rounds, {Environment.ProcessorCount} cores, load {Load()}{(maxAutoPrepare.Length > 0 ? $", Max Auto Prepare={maxAutoPrepare}" : "")}"));

var table = new List<string> { "| database | call | calls | p50 ms | p99 ms | max ms |", "| --- | --- | --- | --- | --- | --- |" };
foreach (var provider in providers)
{
    await using var app = await MadoguchiApp.StartAsync(provider, new Dictionary<string, string?>
    {
        ["Madoguchi:InboundPipeline:RunWorker"] = "false",
        ["Madoguchi:Receiving:WorkerEnabled"] = "false",
    }, services: s =>
    {
        s.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter, ServerTimer>();
        if (maxAutoPrepare.Length > 0)
            s.PostConfigure<DatabaseOptions>(o =>
            {
                if (o.Provider == DatabaseProvider.Postgres)
                    o.ConnectionString += $";Max Auto Prepare={maxAutoPrepare}";
            });
    });
    var account = await app.CreateAccountAsync();
    var inbox = await account.CreateInboxAsync();
    var ownerClient = await account.SignInOwnerAsync();
    // Ten agents (owners, so every one sees the inbox); two clients each.
    var users = new List<Madoguchi.Core.Accounts.Users.UserView> { account.Owner };
    for (var i = 1; i < 10; i++)
        users.Add(await account.AddActiveUserAsync(ownerClient, "担当", $"{i}", owner: true));

    var clock = Stopwatch.StartNew();
    var seeded = await TicketListSeed.StoreAsync(app, account.Id, inbox.Id, users.Select(u => u.Id).ToList(), count);
    Console.WriteLine(Inv($"{provider}: stored {count} tickets, {seeded.Messages} messages, {seeded.TicketLabels} labels on tickets, {seeded.Reads} reads in {clock.Elapsed.TotalSeconds:0.0} s"));
    clock.Restart();
    // A running installation's statistics: PostgreSQL's autovacuum (also triggered by inserts) and SQLite's ANALYZE.
    await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(provider == DatabaseProvider.Postgres ? "VACUUM ANALYZE" : "ANALYZE"));
    Console.WriteLine(Inv($"{provider}: {(provider == DatabaseProvider.Postgres ? "VACUUM ANALYZE" : "ANALYZE")} {clock.Elapsed.TotalSeconds:0.0} s"));

    var label = seeded.Labels[0];
    var rareLabel = seeded.Labels[^1];
    var someone = users[3].Id;
    var i0 = inbox.Id;
    (string Kind, Func<int, string> Url)[] lists =
    [
        ("未対応, newest, page 1", _ => $"inbox={i0}&status=open"),
        ("保留, newest, page 1", _ => $"inbox={i0}&status=pending"),
        ("対応完了, newest, page 1", _ => $"inbox={i0}&status=closed"),
        ("対応完了, page 201 (offset 10,000)", _ => $"inbox={i0}&status=closed&offset=10000"),
        ("対応完了, last page", _ => $"inbox={i0}&status=closed&offset={seeded.Closed - 50}"),
        ("未対応, oldest first", _ => $"inbox={i0}&status=open&sort=oldest"),
        ("対応完了, by created", _ => $"inbox={i0}&status=closed&sort=created"),
        ("未対応, assignee=me", _ => $"inbox={i0}&status=open&assignee=me"),
        ("対応完了, one assignee", _ => $"inbox={i0}&status=closed&assignee={someone}"),
        ("未対応, unassigned", _ => $"inbox={i0}&status=open&assignee=none"),
        ("対応完了, common label", _ => $"inbox={i0}&status=closed&label={label}"),
        ("未対応, rare label", _ => $"inbox={i0}&status=open&label={rareLabel}"),
        ("保留, 保留理由なし", _ => $"inbox={i0}&status=pending&pendingReason=none"),
        ("ゴミ箱", _ => $"inbox={i0}&place=trash"),
        ("迷惑メール", _ => $"inbox={i0}&place=spam"),
        ("every inbox, 未対応", _ => "status=open"),
    ];
    const string CountsKind = "bucket counts (left navigation)";

    if (explain)
        await ExplainAsync(app, provider, account.Id, account.Owner.Id, i0, seeded);

    var http = new List<HttpClient>();
    foreach (var user in users)
    {
        var token = await app.TokenClientAsync(user);
        http.Add(token);
    }
    var samples = lists.Select(l => l.Kind).Append(CountsKind).ToDictionary(k => k, _ => new List<double>());
    // The same calls' server time: inside the app's request pipeline, from its first middleware until the response is
    // written (what the issue asks for; the client time above also holds the clients' own work and their wait for a core).
    var serverSamples = lists.Select(l => l.Kind).ToDictionary(k => k, _ => new List<double>());
    var calls = 0;
    var sent = new System.Collections.Concurrent.ConcurrentBag<(string Kind, string Call)>();
    // And ASP.NET Core's own measure of the same thing (the http.server.request.duration histogram that /metrics exports),
    // as a check on the timer: its clock starts in the hosting layer, just before the first middleware.
    var hostingDurations = new System.Collections.Concurrent.ConcurrentBag<double>();
    var measuring = false;
    using var meters = new System.Diagnostics.Metrics.MeterListener();
    meters.InstrumentPublished = (instrument, listener) =>
    {
        if (instrument.Meter.Name == "Microsoft.AspNetCore.Hosting" && instrument.Name == "http.server.request.duration")
            listener.EnableMeasurementEvents(instrument);
    };
    meters.SetMeasurementEventCallback<double>((_, seconds, tags, _) =>
    {
        foreach (var tag in tags)
        {
            if (Volatile.Read(ref measuring) && tag.Key == "http.route" && tag.Value as string == "/api/v1/tickets/")
                hostingDurations.Add(seconds * 1000);
        }
    });
    meters.Start();
    // CPU spent per call, which the other work on a shared machine disturbs far less than the wall-clock times: this process
    // (clients and app) and, on PostgreSQL, the server's processes.
    var postgresPort = provider == DatabaseProvider.Postgres
        ? new Npgsql.NpgsqlConnectionStringBuilder(await app.WithDbAsync(db => Task.FromResult(db.Database.GetConnectionString()))).Port
        : 0;
    TimeSpan appCpu = TimeSpan.Zero, dbCpu = TimeSpan.Zero, jitDuringRounds = TimeSpan.Zero;
    // Unmeasured warm-up rounds (plan caches, pages in memory, and the JIT: at 20 busy clients on 2 cores the runtime's
    // tiering of the hot code to optimized code takes many rounds, and until then the calls run slower, partly
    // unoptimized code and the JIT itself) until a round compiles fewer than WarmMethods methods (at most
    // MaxWarmRounds), then the measured rounds. A server that runs for hours is past this point.
    const int WarmMethods = 50, MaxWarmRounds = 60;
    var warmRounds = 0;
    for (var round = -1; round < rounds; round++)
    {
        Volatile.Write(ref measuring, round >= 0);
        if (round == 0 && statements && provider == DatabaseProvider.Postgres)
            await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset();"));
        var compiledBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var dbBefore = Cpu.PostgresSeconds(postgresPort);
        var results = await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var client = http[c % http.Count];
            var user = users[c % users.Count];
            var actor = new Actor(ActorKind.User, user.Id, account.Id, user.Email, null);
            var mine = new List<(string, double)>();
            // Each client walks the calls from its own starting point, so different calls run at the same time.
            for (var k = 0; k <= lists.Length; k++)
            {
                var at = (k + c) % (lists.Length + 1);
                var t = Stopwatch.StartNew();
                if (at == lists.Length)
                {
                    await using var scope = app.Services.CreateAsyncScope();
                    var counts = await scope.ServiceProvider.GetRequiredService<CountTicketBucketsQuery>().HandleAsync(actor, CancellationToken.None);
                    if (!counts.Succeeded)
                        throw new InvalidOperationException(counts.Error!.Message);
                    mine.Add((CountsKind, t.Elapsed.TotalMilliseconds));
                }
                else
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/v1/tickets?{lists[at].Url(c)}&limit=50", UriKind.Relative));
                    var call = Interlocked.Increment(ref calls).ToString(CultureInfo.InvariantCulture);
                    request.Headers.Add(ServerTimer.Header, call);
                    using var response = await client.SendAsync(request);
                    var body = await response.Content.ReadFromJsonAsync<PageBody>(MadoguchiJson.Options);
                    mine.Add((lists[at].Kind, t.Elapsed.TotalMilliseconds));
                    sent.Add((lists[at].Kind, call));
                    if (!response.IsSuccessStatusCode || body is null || (body.Total > 0 && body.Items.Count == 0))
                        throw new InvalidOperationException($"{lists[at].Kind}: {(int)response.StatusCode}, {body?.Total} total, {body?.Items.Count} items");
                }
            }
            return mine;
        })));
        if (round < 0)
        {
            sent.Clear();
            ServerTimer.Clear();
            var compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - compiledBefore;
            warmRounds++;
            if (compiled >= WarmMethods && warmRounds < MaxWarmRounds)
                round--;
            else
                Console.WriteLine(Inv($"{provider}: {warmRounds} warm-up round(s); the last compiled {compiled} methods, load {Load()}"));
            continue;
        }
        jitDuringRounds += System.Runtime.JitInfo.GetCompilationTime() - jitBefore;
        appCpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        dbCpu += TimeSpan.FromSeconds(Cpu.PostgresSeconds(postgresPort) - dbBefore);
        foreach (var (kind, ms) in results.SelectMany(r => r))
            samples[kind].Add(ms);
        foreach (var (kind, call) in sent)
            serverSamples[kind].Add(ServerTimer.Take(call));
        sent.Clear();
        Console.WriteLine(Inv($"{provider}: round {round + 1} done, load {Load()}"));
    }
    if (statements && provider == DatabaseProvider.Postgres)
        await PrintStatementsAsync(app);
    foreach (var (kind, values) in samples)
    {
        var line = Inv($"| {provider} | {kind} | {values.Count} | {Percentile(values, 0.50):0.0} | {Percentile(values, 0.99):0.0} | {values.Max():0.0} |");
        Console.WriteLine(line);
        table.Add(line);
    }
    var all = samples.Values.SelectMany(v => v).ToList();
    table.Add(Inv($"| {provider} | **every call** | {all.Count} | {Percentile(all, 0.50):0.0} | {Percentile(all, 0.99):0.0} | {all.Max():0.0} |"));
    var serverAll = serverSamples.Values.SelectMany(v => v).ToList();
    foreach (var (kind, values) in serverSamples)
        table.Add(Inv($"| {provider} | server time: {kind} | {values.Count} | {Percentile(values, 0.50):0.0} | {Percentile(values, 0.99):0.0} | {values.Max():0.0} |"));
    var serverLine = Inv($"| {provider} | **server time, every list call** | {serverAll.Count} | {Percentile(serverAll, 0.50):0.0} | {Percentile(serverAll, 0.99):0.0} | {serverAll.Max():0.0} |");
    Console.WriteLine(serverLine);
    table.Add(serverLine);
    var hosting = hostingDurations.ToList();
    var hostingLine = Inv($"| {provider} | server time by ASP.NET Core's http.server.request.duration (check) | {hosting.Count} | {Percentile(hosting, 0.50):0.0} | {Percentile(hosting, 0.99):0.0} | {hosting.Max():0.0} |");
    Console.WriteLine(hostingLine);
    table.Add(hostingLine);
    var cpuLine = Inv($"{provider}: CPU per call {appCpu.TotalMilliseconds / all.Count:0.0} ms in the app (and clients){(provider == DatabaseProvider.Postgres ? Inv($" + {dbCpu.TotalMilliseconds / all.Count:0.0} ms in PostgreSQL") : "")}, over {all.Count} calls (JIT {jitDuringRounds.TotalMilliseconds / all.Count:0.00} ms of it); load {Load()}");
    Console.WriteLine(cpuLine);
    table.Add($"| {provider} | CPU per call | | {cpuLine} | | |");
    foreach (var c in http)
        c.Dispose();
}
Console.WriteLine();
Console.WriteLine(Inv($"load {Load()}"));
foreach (var line in table)
    Console.WriteLine(line);

static async Task ExplainAsync(MadoguchiApp app, DatabaseProvider provider, Guid accountId, Guid ownerId, Guid inboxId, SeededTickets seeded)
{
    var page = new PageRequest(0, 50);
    var requests = new Dictionary<string, TicketListRequest>
    {
        ["closed"] = new(inboxId, TicketStatus.Closed, TicketPlace.Inbox, page),
        ["closed, offset 10,000"] = new(inboxId, TicketStatus.Closed, TicketPlace.Inbox, new PageRequest(10_000, 50)),
        ["closed, label"] = new(inboxId, TicketStatus.Closed, TicketPlace.Inbox, page) { LabelId = seeded.Labels[0] },
        ["open, rare label"] = new(inboxId, TicketStatus.Open, TicketPlace.Inbox, page) { LabelId = seeded.Labels[^1] },
        ["closed, created"] = new(inboxId, TicketStatus.Closed, TicketPlace.Inbox, page) { Sort = TicketSort.Created },
        ["trash"] = new(inboxId, null, TicketPlace.Trash, page),
    };
    var prefix = provider == DatabaseProvider.Postgres ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN QUERY PLAN ";
    await app.WithDbAsync(async db =>
    {
        await db.Database.OpenConnectionAsync();
        foreach (var (name, request) in requests)
        {
            // An owner: the visibility test inside the queries lets them see the inbox.
            var filter = ListTicketsQuery.Filter(db, Actor.User(ownerId, accountId, "explain@example.com", null), [inboxId], request);
            var pageQuery = ListTicketsQuery.Rows(db, ListTicketsQuery.Order(filter, request.Sort).Select(t => t.Id).Skip(request.Page.Offset).Take(request.Page.Limit), request.Sort, ownerId);
            foreach (var (what, command) in new[] { ("count", filter.Select(t => t.Id).Take(int.MaxValue).CreateDbCommand()), ("page", pageQuery.CreateDbCommand()) })
            {
                await using var cmd = command;
                cmd.CommandText = prefix + (what == "count" ? $"SELECT COUNT(*) FROM ({cmd.CommandText}) AS c" : cmd.CommandText);
                Console.WriteLine($"--- {provider} {name} ({what})");
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    Console.WriteLine("    " + (provider == DatabaseProvider.Postgres ? reader.GetString(0) : reader.GetString(3)));
            }
        }
        return 0;
    });
}

static async Task PrintStatementsAsync(MadoguchiApp app) => await app.WithDbAsync(async db =>
{
    await db.Database.OpenConnectionAsync();
    await using var cmd = db.Database.GetDbConnection().CreateCommand();
    cmd.CommandText = """
        SELECT calls, plans, total_plan_time, total_exec_time, shared_blks_hit + shared_blks_read, regexp_replace(query, '\s+', ' ', 'g')
        FROM pg_stat_statements ORDER BY total_plan_time + total_exec_time DESC LIMIT 25
        """;
    Console.WriteLine("statements (pg_stat_statements, measured rounds): calls | plans | plan ms | run ms | buffers | text");
    await using var r = await cmd.ExecuteReaderAsync();
    while (await r.ReadAsync())
        Console.WriteLine(Inv($"  {r.GetInt64(0)} | {r.GetInt64(1)} | {r.GetDouble(2):0.0} | {r.GetDouble(3):0.0} | {r.GetInt64(4)} | {r.GetString(5)}"));
    return 0;
});

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Max(0, Math.Ceiling(p * sorted.Count) - 1))];
}

static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

int Arg(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

string ArgText(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 ? args[i + 1] : fallback;

/// <summary>CPU seconds of the PostgreSQL server listening on a port: its postmaster and every child (backends).</summary>
internal static class Cpu
{
    public static double PostgresSeconds(int port)
    {
        if (port == 0)
            return 0;
        var processes = Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(d => d!.All(char.IsAsciiDigit)).Select(d => int.Parse(d!, CultureInfo.InvariantCulture)).ToList();
        var master = processes.FirstOrDefault(pid => Read($"/proc/{pid}/cmdline").Replace('\0', ' ').Contains($"postgres -D", StringComparison.Ordinal)
            && Read($"/proc/{pid}/cmdline").Replace('\0', ' ').Contains($" -p {port} ", StringComparison.Ordinal));
        if (master == 0)
            return 0;
        double ticks = 0;
        foreach (var pid in processes)
        {
            var stat = Read($"/proc/{pid}/stat");
            if (stat.Length == 0)
                continue;
            // Fields after the command (which is in parentheses): state ppid … utime(14) stime(15), counted from 1.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (pid == master || fields[1] == master.ToString(CultureInfo.InvariantCulture))
                ticks += double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)
                    // The postmaster's reaped children (backends that ended) too.
                    + (pid == master ? double.Parse(fields[13], CultureInfo.InvariantCulture) + double.Parse(fields[14], CultureInfo.InvariantCulture) : 0);
        }
        return ticks / 100.0;
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}

/// <summary>Times each tagged request inside the app: a middleware ahead of all of the app's own, from its start until
/// the rest of the pipeline has written the response.</summary>
internal sealed class ServerTimer : Microsoft.AspNetCore.Hosting.IStartupFilter
{
    public const string Header = "X-Bench-Call";
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, double> Times = new();

    public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
    {
        Microsoft.AspNetCore.Builder.UseExtensions.Use(app, async (context, rest) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await rest(context);
            }
            finally
            {
                // Also when the rest of the pipeline throws (an aborted request): every tagged call gets a time.
                if (context.Request.Headers.TryGetValue(Header, out var call))
                    Times[call.ToString()] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        });
        next(app);
    };

    /// <summary>The call's time; its last steps may still be finishing when the client has read the body.</summary>
    public static double Take(string call)
    {
        var waited = Stopwatch.StartNew();
        double ms;
        while (!Times.TryRemove(call, out ms))
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(5))
                throw new InvalidOperationException($"no server time for call {call}; {Times.Count} times kept: {string.Join(",", Times.Keys.Take(20))}");
            Thread.Sleep(1);
        }
        return ms;
    }

    public static void Clear() => Times.Clear();
}

internal sealed record PageBody(List<System.Text.Json.JsonElement> Items, int Total);
