using System.Diagnostics;
using System.Globalization;
using System.Text;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Search;
using Madoguchi.Core.Tickets;
using Madoguchi.Testing.App;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

// Search latency against grep -rl over the same messages as files, on each database.
// Usage: dotnet run -c Release --project bench/Madoguchi.Bench.Search -- [-n 20000] [--rounds 5] [--provider sqlite|postgres|both] [--dir FOLDER] [--explain] [--walk 4000,0]
// --explain: prints each query's SQL and its plan (PostgreSQL EXPLAIN ANALYZE, SQLite EXPLAIN QUERY PLAN) once, before timing.
// --walk: the Madoguchi:Search:WalkMessages values to measure, alternated within each round (default: the product's).
var count = Arg("-n", 20_000);
var rounds = Arg("--rounds", 5);
var perRound = 20;
var providerArg = ArgText("--provider", "both");
var folder = ArgText("--dir", Path.Combine("/var/tmp", $"madoguchi-bench-search-{count}"));
DatabaseProvider[] providers = providerArg switch
{
    "sqlite" => [DatabaseProvider.Sqlite],
    "postgres" => [DatabaseProvider.Postgres],
    _ => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres],
};

var explain = args.Contains("--explain");
var walks = ArgText("--walk", new SearchIndexOptions().WalkMessages.ToString(CultureInfo.InvariantCulture))
    .Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray();
var corpus = Corpus.Make(count);
var files = Path.Combine(folder, "files");
if (!Directory.Exists(files) || Directory.GetFiles(files).Length != count)
{
    Directory.CreateDirectory(files);
    for (var i = 0; i < count; i++)
        await File.WriteAllTextAsync(Path.Combine(files, $"{i + 1:000000}.txt"), corpus[i].Subject + "\n" + corpus[i].Body);
}
var rawBytes = corpus.Sum(c => (long)Encoding.UTF8.GetByteCount(c.Subject) + Encoding.UTF8.GetByteCount(c.Body));
Console.WriteLine(Inv($"{count} messages, {rawBytes / 1024.0 / 1024.0:0.0} MB of text, {Environment.ProcessorCount} cores, load {Load()}"));

(string Kind, string Query)[] queries =
[
    ("Japanese, 2 characters", "請求"),
    ("Japanese, longer", "再発行"),
    ("English word", "invoice"),
    ("mixed (AND)", "請求 invoice"),
    ("rare (one message)", "REF-0004242"),
];

var table = new List<string> { "| database | query | toggle | walk | p50 ms | p95 ms | grep -rl median ms | grep / p95 |", "| --- | --- | --- | --- | --- | --- | --- | --- |" };
foreach (var provider in providers)
{
    await using var app = await MadoguchiApp.StartAsync(provider, new Dictionary<string, string?>
    {
        ["Madoguchi:InboundPipeline:RunWorker"] = "false",
        ["Madoguchi:Receiving:WorkerEnabled"] = "false",
    }, services: s => s.ConfigureDbContext<MadoguchiDbContext>(o => o.AddInterceptors(CommandRecorder.Instance)));
    var account = await app.CreateAccountAsync();
    var inbox = await account.CreateInboxAsync();
    var actor = new Actor(ActorKind.User, account.Owner.Id, account.Id, "bench", null);

    var clock = Stopwatch.StartNew();
    await StoreAsync(app, account.Id, inbox.Id, corpus);
    Console.WriteLine(Inv($"{provider}: stored {count} messages directly in {clock.Elapsed.TotalSeconds:0.0} s"));
    var before = await SizeAsync(app, provider);
    clock.Restart();
    await using (var scope = app.Services.CreateAsyncScope())
        await scope.ServiceProvider.GetRequiredService<ReindexCommand>().HandleAsync(inbox.Id, null, CancellationToken.None);
    var reindex = clock.Elapsed;
    var after = await SizeAsync(app, provider);
    Console.WriteLine(Inv($"{provider}: reindex {reindex.TotalSeconds:0.0} s ({count / reindex.TotalSeconds:0} messages/s), index {(after - before) / 1024.0 / 1024.0:0.0} MB = {(double)(after - before) / rawBytes:0.0} × the raw text"));
    table.Add(Inv($"| {provider} | reindex | | | {reindex.TotalSeconds:0.0} s | | | |"));
    table.Add(Inv($"| {provider} | index size | | | {(after - before) / 1024.0 / 1024.0:0.0} MB | {(double)(after - before) / rawBytes:0.0} × raw text | | |"));

    foreach (var (kind, q) in queries)
    {
        if (explain)
        {
            foreach (var walk in walks)
                await ExplainAsync(app, provider, actor, q, walk);
        }
        foreach (var toggle in new[] { false, true })
        {
            var ours = walks.ToDictionary(w => w, _ => new List<double>());
            var totals = walks.ToDictionary(w => w, _ => "");
            var grep = new List<double>();
            var grepFound = 0;
            for (var round = 0; round < rounds; round++)
            {
                // Alternating: a burst of load from other work on the machine hits every variant and grep alike.
                foreach (var walk in walks)
                {
                    await using var scope = app.Services.CreateAsyncScope();
                    var query = Query(scope.ServiceProvider, walk);
                    for (var i = 0; i < perRound; i++)
                    {
                        var t = Stopwatch.StartNew();
                        var result = await query.HandleAsync(actor, new SearchRequest(q, IncludeTrashAndSpam: toggle, Page: new PageRequest(0, 50)), CancellationToken.None);
                        ours[walk].Add(t.Elapsed.TotalMilliseconds);
                        totals[walk] = result.Value!.TotalIsLowerBound ? $"≥{result.Value.Total}" : $"{result.Value.Total}";
                    }
                }
                var g = Stopwatch.StartNew();
                grepFound = Grep(files, q);
                grep.Add(g.Elapsed.TotalMilliseconds);
            }
            var grepMedian = Percentile(grep, 0.50);
            foreach (var walk in walks)
            {
                var p50 = Percentile(ours[walk], 0.50);
                var p95 = Percentile(ours[walk], 0.95);
                Console.WriteLine(Inv($"{provider} {kind} \"{q}\" toggle={toggle} walk={walk}: {totals[walk]} found (grep {grepFound}); p50 {p50:0.0} ms, p95 {p95:0.0} ms; grep median {grepMedian:0} ms; ratio {grepMedian / p95:0.0}; load {Load()}"));
                table.Add(Inv($"| {provider} | {kind} `{q}` ({totals[walk]}) | {(toggle ? "on" : "off")} | {walk} | {p50:0.0} | {p95:0.0} | {grepMedian:0} | {grepMedian / p95:0.0} |"));
            }
        }
    }
}
Console.WriteLine();
foreach (var line in table)
    Console.WriteLine(line);

static async Task StoreAsync(MadoguchiApp app, Guid accountId, Guid inboxId, IReadOnlyList<(string Subject, string Body, DateTime Date)> corpus)
{
    // The product's own bulk insert (multi-row INSERTs on PostgreSQL, one compiled statement on SQLite), 5,000 tickets a
    // transaction; a fixed seed for the places, so every run stores the same.
    var random = new Random(7);
    foreach (var chunk in corpus.Chunk(5000))
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var tickets = new List<Ticket>(chunk.Length);
        var messages = new List<TicketMessage>(chunk.Length);
        foreach (var (subject, body, date) in chunk)
        {
            // Every tenth ticket in ゴミ箱 or 迷惑メール, so the toggle has something to add.
            var place = random.Next(10) == 0 ? (random.Next(2) == 0 ? TicketPlace.Trash : TicketPlace.Spam) : TicketPlace.Inbox;
            var ticket = new Ticket { AccountId = accountId, InboxId = inboxId, Subject = subject, Place = place, MessageCount = 1, CreatedAt = date, LastMessageAt = date };
            tickets.Add(ticket);
            messages.Add(new TicketMessage
            {
                AccountId = accountId, TicketId = ticket.Id, InboxId = inboxId, MessageIdHeader = $"{Guid.NewGuid():N}@bench.example",
                Subject = subject, Text = body, Date = date, ReceivedAt = date, FromJson = "[{\"Name\":\"Customer\",\"Address\":\"customer@example.com\"}]",
            });
        }
        db.AddRange(tickets);
        db.AddRange(messages);
        await using var transaction = await db.Database.BeginTransactionAsync();
        await BulkInsert.InsertAddedAsync(db, [typeof(Ticket), typeof(TicketMessage)], CancellationToken.None);
        await transaction.CommitAsync();
    }
}

// The product's query, with its walk set as Madoguchi:Search:WalkMessages would.
static SearchMessagesQuery Query(IServiceProvider services, int walk) =>
    new(services.GetRequiredService<MadoguchiDbContext>(), Microsoft.Extensions.Options.Options.Create(new SearchIndexOptions { WalkMessages = walk }));

static async Task ExplainAsync(MadoguchiApp app, DatabaseProvider provider, Actor actor, string q, int walk)
{
    CommandRecorder.Instance.Commands.Clear();
    CommandRecorder.Instance.Recording = true;
    await using (var scope = app.Services.CreateAsyncScope())
        await Query(scope.ServiceProvider, walk).HandleAsync(actor, new SearchRequest(q, Page: new PageRequest(0, 50)), CancellationToken.None);
    CommandRecorder.Instance.Recording = false;
    foreach (var (sql, parameters) in CommandRecorder.Instance.Commands.ToList())
    {
        Console.WriteLine($"--- {provider} \"{q}\" walk={walk}:\n{sql}");
        await app.WithDbAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = (provider == DatabaseProvider.Postgres ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN QUERY PLAN ") + sql;
            foreach (var (name, value) in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                Console.WriteLine("  " + string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
            return 0;
        });
    }
}

static async Task<long> SizeAsync(MadoguchiApp app, DatabaseProvider provider) => await app.WithDbAsync(async db =>
{
    var connection = db.Database.GetDbConnection();
    await connection.OpenAsync();
    await using var command = connection.CreateCommand();
    command.CommandText = provider == DatabaseProvider.Postgres
        ? "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c WHERE c.relname IN ('SearchDocuments', 'SearchPostings')"
        : "SELECT (SELECT page_count FROM pragma_page_count()) * (SELECT page_size FROM pragma_page_size()) - (SELECT freelist_count FROM pragma_freelist_count()) * (SELECT page_size FROM pragma_page_size())";
    return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
});

static int Grep(string folder, string query)
{
    // AND of the words: grep -rlF for the first, then -lF over those files for each further word.
    var words = query.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    var script = $"grep -rlF -- '{words[0]}' '{folder}'" + string.Concat(words.Skip(1).Select(w => $" | xargs -r grep -lF -- '{w}'")) + " | wc -l";
    using var process = Process.Start(new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true })!;
    var output = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    return int.Parse(output.Trim(), CultureInfo.InvariantCulture);
}

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
}

static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

int Arg(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

string ArgText(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 ? args[i + 1] : fallback;

/// <summary>Records the SELECTs one search runs (for --explain).</summary>
internal sealed class CommandRecorder : DbCommandInterceptor
{
    public static readonly CommandRecorder Instance = new();

    public bool Recording { get; set; }

    public List<(string Sql, (string Name, object? Value)[] Parameters)> Commands { get; } = [];

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    private void Record(DbCommand command)
    {
        if (Recording && command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
            Commands.Add((command.CommandText, [.. command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value))]));
    }
}

/// <summary>Support mail of realistic length, Japanese and English mixed, from a fixed seed.</summary>
internal static class Corpus
{
    private static readonly string[] Japanese =
    [
        "お世話になっております。", "株式会社サンプルの山田です。", "先日注文した商品について", "請求書の再発行をお願いできますでしょうか。",
        "領収書の宛名を変更したいのですが、", "配送状況を確認したいです。", "商品が届きません。", "返品の手続きについて教えてください。",
        "ログインできなくなりました。", "パスワードを再設定したいです。", "見積書を送付いたします。", "ご確認のほどよろしくお願いいたします。",
        "解約の手続きを希望します。", "定期購入の内容を変更したいです。", "初期不良のため交換をお願いします。", "納期について教えてください。",
        "在庫切れとの表示がありますが、", "追跡番号を教えてください。", "割引クーポンが使えません。", "保証書を紛失してしまいました。",
        "ご対応いただきありがとうございました。", "引き続きよろしくお願いいたします。", "急ぎではありませんが、", "添付ファイルをご確認ください。",
    ];

    private static readonly string[] English =
    [
        "Hello support team,", "I ordered a product last week", "and it has not arrived yet.", "Could you resend the invoice for my order?",
        "I would like a refund.", "The tracking number does not work.", "Please cancel my subscription.", "My password reset link has expired.",
        "The firmware update failed.", "Is there a discount for bulk orders?", "I need a quotation for 20 units.", "The replacement part was damaged.",
        "Thank you for your help.", "Best regards,", "Kind regards,", "Let me know if you need anything else.", "The warranty card is missing.",
    ];

    public static List<(string Subject, string Body, DateTime Date)> Make(int count)
    {
        var random = new Random(20261205);
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var list = new List<(string, string, DateTime)>(count);
        for (var i = 0; i < count; i++)
        {
            var japanese = random.Next(10) < 6;
            var pool = japanese ? Japanese : English;
            var sentences = random.Next(8, 30);
            var body = new StringBuilder();
            for (var s = 0; s < sentences; s++)
            {
                // A few English words in Japanese mail and the other way round, as real mail has.
                var from = random.Next(20) == 0 ? (japanese ? English : Japanese) : pool;
                body.Append(from[random.Next(from.Length)]).Append(japanese ? "" : " ");
                if (random.Next(4) == 0)
                    body.Append('\n');
            }
            body.Append(Inv($"\nREF-{i:0000000}"));
            var subject = pool[random.Next(pool.Length)];
            list.Add((subject, body.ToString(), start.AddMinutes(i)));
        }
        return list;
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
