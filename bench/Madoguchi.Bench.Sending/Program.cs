using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.Core.Sending.Smtp;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

// Sending benchmark: Madoguchi's outbox (Madoguchi.Web as a separate process) sending N queued replies to Postfix's smtp-sink,
// Postfix's smtp-source sending N messages of the same bytes to the same sink, and Madoguchi's SMTP client alone (the outbox's ceiling),
// alternated for MADOGUCHI_BENCH_ROUNDS rounds (default 3). Usage: Madoguchi.Bench.Sending <N> <Madoguchi.Web.dll>
var count = int.Parse(args[0], CultureInfo.InvariantCulture);
var webDll = args[1];
var rounds = int.Parse(Environment.GetEnvironmentVariable("MADOGUCHI_BENCH_ROUNDS") ?? "3", CultureInfo.InvariantCulture);
// Madoguchi's outbox connections at once (Madoguchi:Sending:MaxParallel); smtp-source runs as many sessions.
var parallel = int.Parse(Environment.GetEnvironmentVariable("MADOGUCHI_BENCH_PARALLEL") ?? "4", CultureInfo.InvariantCulture);
// smtp-source keeps its connection for the next message (-d) unless MADOGUCHI_BENCH_SOURCE_REUSE=0.
var sourceReuse = Environment.GetEnvironmentVariable("MADOGUCHI_BENCH_SOURCE_REUSE") != "0";
var only = Environment.GetEnvironmentVariable("MADOGUCHI_BENCH_ONLY");
// Another build of Madoguchi.Web (e.g. the commit before a change) run in every round beside this one, on the same
// queued outbox: an A/B comparison alternated within one run (its database schema must be the same).
// MADOGUCHI_BENCH_COMPARE_ENV='NAME=VALUE;…': settings for the compared run only (with this build when no other is given),
// e.g. another MessagesPerConnection, alternated within one run.
var compareEnv = Environment.GetEnvironmentVariable("MADOGUCHI_BENCH_COMPARE_ENV");
var compareWeb = Environment.GetEnvironmentVariable("MADOGUCHI_BENCH_COMPARE_WEB") ?? (compareEnv is null ? null : webDll);
// The running server: besides the run whose messages are due at process start (start-up included), each round runs
// Madoguchi with the same messages coming due this many seconds after its start, once it has started (its first
// monitoring round done, its web server up), as replies do in a server that has been running. 0: no such run.
var warmUp = double.Parse(Environment.GetEnvironmentVariable("MADOGUCHI_BENCH_WARMUP") ?? "10", CultureInfo.InvariantCulture);

await using var sink = await SmtpSinkServer.StartNewAsync();
Console.WriteLine($"smtp-sink on 127.0.0.1:{sink.Port}");

// Set-up once: N replies queued through the product's own QueueReplyCommand (100 per ticket), on a SQLite database whose
// folder (database, blobs, keys) is copied for each Madoguchi run, so every run starts from the same queued outbox.
var template = Directory.CreateTempSubdirectory("madoguchi-bench-sending-").FullName;
string sampleFile;
var clockSetUp = Stopwatch.StartNew();
await using (var app = await MadoguchiApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
{
    ["Madoguchi:Receiving:WorkerEnabled"] = "false",
    ["Madoguchi:Sending:WorkerEnabled"] = "false",
    ["Madoguchi:Network:AllowLoopback"] = "true",
}))
{
    var account = await app.CreateAccountAsync();
    var owner = await account.SignInOwnerAsync();
    var inbox = await account.CreateInboxAsync("bench");
    (await owner.PostAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/send-addresses", new
    {
        address = "support@bench.test", displayName = "サポート窓口", isDefault = true, host = "127.0.0.1", port = sink.Port, security = "none", authentication = "none",
    })).EnsureSuccessStatusCode();
    var actor = Actor.User(account.Owner.Id, account.Id, account.Owner.Email, null);
    var text = string.Join("\n", Enumerable.Repeat("お問い合わせありがとうございます。ご注文の件、確認のうえ本日中に発送いたします。 Thank you for your order; it ships today.", 20));
    var tickets = new List<Guid>();
    for (var i = 0; i < count; i += 100)
        tickets.Add((await app.ReceiveAsync(inbox.Id, InboundMail.Eml($"bench-{i}@customer.test", subject: $"注文 {i}", from: $"customer{i}@customer.test"))).TicketId!.Value);
    await Parallel.ForEachAsync(tickets.Select((t, i) => (Ticket: t, Index: i)), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (t, ct) =>
    {
        for (var i = t.Index * 100; i < Math.Min(count, (t.Index + 1) * 100); i++)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var queued = await scope.ServiceProvider.GetRequiredService<QueueReplyCommand>().HandleAsync(actor, t.Ticket,
                new ReplyInput(null, null, null, null, null, text, null, false, "closed"), ct);
            if (!queued.Succeeded)
                throw new InvalidOperationException(queued.Error!.Message);
        }
    });
    var blob = await app.WithDbAsync(db => db.OutgoingMessages.AsNoTracking().Select(o => o.BlobHash).FirstAsync());
    await using (var scope = app.Services.CreateAsyncScope())
    {
        await using var stream = scope.ServiceProvider.GetRequiredService<Madoguchi.Core.Storage.IBlobStore>().OpenRead(blob);
        using var reader = new StreamReader(stream);
        // smtp-source -F reads lines and ends each with CRLF itself.
        sampleFile = Path.Combine(template, "..", Path.GetFileName(template) + "-sample.eml");
        await File.WriteAllTextAsync(sampleFile, (await reader.ReadToEndAsync()).Replace("\r\n", "\n", StringComparison.Ordinal));
    }
    await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)"));
    CopyFolder(app.Database.DataDirectory, template);
}
var size = new FileInfo(sampleFile).Length;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"set-up: {count:N0} replies queued through QueueReplyCommand in {clockSetUp.Elapsed.TotalSeconds:F0} s, {size:N0} bytes each"));

var runs = new List<(string Name, double Seconds, double Cpu)>();
var sending = new List<double>();
var compared = new List<double>();
var running = new List<double>();
var comparedRunning = new List<double>();
for (var round = 1; round <= rounds; round++)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} of {rounds} (load average {LoadAverage()})"));
    runs.Add(await RunMadoguchiAsync(webDll, "Madoguchi outbox (process start until every message is sent)", sending, null, 0));
    if (compareWeb is not null)
        runs.Add(await RunMadoguchiAsync(compareWeb, "Compared build: outbox (process start until every message is sent)", compared, compareEnv, 0));
    if (warmUp > 0)
    {
        await RunMadoguchiAsync(webDll, "", running, null, warmUp);
        if (compareWeb is not null)
            await RunMadoguchiAsync(compareWeb, "", comparedRunning, compareEnv, warmUp);
    }
    if (only != "madoguchi")
    {
        runs.Add(await RunSmtpSourceAsync());
        runs.Add(await RunClientAloneAsync());
    }
}
if (only == "madoguchi")
{
    var comparedText = compared.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $", compared build median {Median(compared):F0} (min {compared.Min():F0})") : "";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first to last acceptance, msg/s: this build median {Median(sending):F0} (min {sending.Min():F0}){comparedText}"));
    if (running.Count > 0)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"running server, first to last acceptance, msg/s: this build median {Median(running):F0} (min {running.Min():F0}){(comparedRunning.Count > 0 ? $", compared build median {Median(comparedRunning):F0} (min {comparedRunning.Min():F0})" : "")}"));
    return 0;
}

var byName = runs.GroupBy(r => r.Name).Select(g => (
    Name: g.Key, Runs: g.Count(),
    Median: Median(g.Select(r => count / r.Seconds)), Slowest: g.Min(r => count / r.Seconds), Fastest: g.Max(r => count / r.Seconds),
    Cpu: Median(g.Select(r => r.Cpu)))).ToList();
var peer = byName.Single(r => r.Name.StartsWith("smtp-source", StringComparison.Ordinal));
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count:N0} messages of {size:N0} bytes, {rounds} rounds, {parallel} connections, load average at the end {LoadAverage()}"));
Console.WriteLine("Rates in messages/s. Slowest run = minimum rate. Ratios are Madoguchi / smtp-source of the same statistic.");
Console.WriteLine();
Console.WriteLine("| run | runs | median msg/s | median vs smtp-source | slowest run msg/s | slowest vs smtp-source slowest | fastest run msg/s | median CPU s (user+sys) |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
foreach (var r in byName)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Name} | {r.Runs} | {r.Median:F0} | {r.Median / peer.Median:F2} | {r.Slowest:F0} | {r.Slowest / peer.Slowest:F2} | {r.Fastest:F0} | {r.Cpu:F1} |"));
void RateRow(string name, List<double> rates)
{
    if (rates.Count > 0)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {rates.Count} | {Median(rates):F0} | {Median(rates) / peer.Median:F2} | {rates.Min():F0} | {rates.Min() / peer.Slowest:F2} | {rates.Max():F0} | |"));
}
RateRow("Madoguchi outbox, first to last acceptance, messages due at process start (sending while the process starts)", sending);
RateRow($"Madoguchi outbox, first to last acceptance, messages due {warmUp:F0} s after process start (**the running server's sending rate**)", running);
RateRow("Compared build, first to last acceptance, due at process start", compared);
RateRow("Compared build, first to last acceptance, running server", comparedRunning);
Directory.Delete(template, recursive: true);
File.Delete(sampleFile);
return 0;

async Task<(string, double, double)> RunMadoguchiAsync(string web, string name, List<double> rates, string? extraEnv, double dueAfter)
{
    var folder = Directory.CreateTempSubdirectory("madoguchi-bench-sending-run-").FullName;
    CopyFolder(template, folder);
    if (dueAfter > 0)
    {
        // Written as EF writes a DateTime on SQLite, so that the outbox's comparisons (text) hold.
        await using var db = new SqliteConnection($"Data Source={Path.Combine(folder, "madoguchi.db")}");
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "UPDATE OutgoingMessages SET NextAttemptAt = $due WHERE State = 'Queued'";
        command.Parameters.AddWithValue("$due", DateTime.UtcNow.AddSeconds(dueAfter).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture));
        if (await command.ExecuteNonQueryAsync() != count)
            throw new InvalidOperationException("The queued replies were not all found.");
        SqliteConnection.ClearAllPools();
    }
    var connectionString = $"Data Source={Path.Combine(folder, "madoguchi.db")};Default Timeout=30";
    var info = new ProcessStartInfo("dotnet") { ArgumentList = { web, "--urls", $"http://127.0.0.1:{FreePort.Get()}" }, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    info.Environment["MADOGUCHI_DATADIRECTORY"] = folder;
    info.Environment["MADOGUCHI_DATABASE__PROVIDER"] = "Sqlite";
    info.Environment["MADOGUCHI_DATABASE__CONNECTIONSTRING"] = connectionString;
    info.Environment["MADOGUCHI_RECEIVING__WORKERENABLED"] = "false";
    info.Environment["MADOGUCHI_SENDING__WORKERENABLED"] = "true";
    info.Environment["MADOGUCHI_SENDING__MAXPARALLEL"] = parallel.ToString(CultureInfo.InvariantCulture);
    info.Environment["MADOGUCHI_SENDING__MAXCONNECTIONSPERADDRESS"] = parallel.ToString(CultureInfo.InvariantCulture);
    info.Environment["MADOGUCHI_NETWORK__ALLOWLOOPBACK"] = "true";
    info.Environment["Logging__LogLevel__Default"] = "Warning";
    foreach (var setting in $"{Environment.GetEnvironmentVariable("MADOGUCHI_BENCH_CHILD_ENV")};{extraEnv}".Split(';', StringSplitOptions.RemoveEmptyEntries))
        info.Environment[setting.Split('=', 2)[0]] = setting.Split('=', 2)[1];
    var clock = Stopwatch.StartNew();
    using var child = Process.Start(info)!;
    if (Environment.GetEnvironmentVariable("MADOGUCHI_BENCH_PIDFILE") is { } pidFile)
        File.WriteAllText(pidFile, child.Id.ToString(CultureInfo.InvariantCulture));
    child.OutputDataReceived += (_, _) => { };
    child.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine(e.Data); };
    child.BeginOutputReadLine();
    child.BeginErrorReadLine();
    double? firstSent = null;
    var cpu = 0.0;
    var cpuAtFirst = 0.0;
    long sent = 0;
    var limit = TimeSpan.FromSeconds(Math.Max(600, count / 5.0));
    await using (var db = new SqliteConnection($"Data Source={Path.Combine(folder, "madoguchi.db")};Mode=ReadOnly;Default Timeout=30"))
    {
        await db.OpenAsync();
        while (true)
        {
            try
            {
                await using var command = db.CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM OutgoingMessages WHERE State = 'Sent'";
                sent = (long)(await command.ExecuteScalarAsync())!;
            }
            catch (SqliteException)
            {
                // Busy or not yet migrated by the child: look again.
            }
            cpu = Math.Max(cpu, CpuSeconds(child.Id));
            if (sent > 0 && firstSent is null)
                (firstSent, cpuAtFirst) = (clock.Elapsed.TotalSeconds, cpu);
            if (sent >= count || child.HasExited || clock.Elapsed > limit)
                break;
            await Task.Delay(100);
        }
    }
    var seconds = clock.Elapsed.TotalSeconds;
    cpu = Math.Max(cpu, CpuSeconds(child.Id));
    child.Kill(entireProcessTree: true);
    await child.WaitForExitAsync();
    // The sending itself: from the first message the sink accepted to the last (each message's own acceptance time).
    var (span, secondHalf) = await SentSpanAsync(folder);
    SqliteConnection.ClearAllPools();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{Label()}: {seconds:F1} s ({count / seconds:F0} msg/s, process start included{(dueAfter > 0 ? $" and the {dueAfter:F0} s before the messages were due" : "")}), first sent at {firstSent ?? 0:F1} s ({(sent > 1 && firstSent is { } f ? (sent - 1) / (seconds - f) : 0):F0} msg/s after it), CPU {cpu:F1} s (user+sys; {cpu - cpuAtFirst:F1} s after the first sent), load average {LoadAverage()}{(sent < count ? $", INCOMPLETE: {sent:N0} sent" : "")}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{Label()}: first to last acceptance {span:F2} s ({(count - 1) / span:F0} msg/s; the second half of the messages {count / 2 / secondHalf:F0} msg/s)"));
    Directory.Delete(folder, recursive: true);
    rates.Add((count - 1) / span);
    string Label() => (extraEnv is null && web == webDll ? "madoguchi" : "compared build") + (dueAfter > 0 ? " (running server)" : "");
    return (name, seconds, cpu);
}

async Task<(string, double, double)> RunSmtpSourceAsync()
{
    var info = new ProcessStartInfo("/usr/sbin/smtp-source") { UseShellExecute = false };
    foreach (var a in new[] { "-4", "-s", parallel.ToString(CultureInfo.InvariantCulture), "-m", count.ToString(CultureInfo.InvariantCulture), "-F", sampleFile, "-f", "support@bench.test", "-t", "customer@customer.test", "-M", "bench.test" })
        info.ArgumentList.Add(a);
    if (sourceReuse)
        info.ArgumentList.Add("-d");
    info.ArgumentList.Add($"127.0.0.1:{sink.Port}");
    var childrenCpuBefore = ChildrenCpuSeconds();
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(info)!;
    await process.WaitForExitAsync();
    var seconds = clock.Elapsed.TotalSeconds;
    var cpu = ChildrenCpuSeconds() - childrenCpuBefore;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"smtp-source: exit {process.ExitCode}, {seconds:F1} s ({count / seconds:F0} msg/s), CPU {cpu:F1} s (user+sys), load average {LoadAverage()}"));
    return ($"smtp-source (-s {parallel}{(sourceReuse ? " -d" : "")})", seconds, cpu);
}

// The ceiling of the outbox's sending part: Madoguchi's own SMTP client (SmtpWireClient) alone in this process, without
// database, blob store, claims or outcomes: the same bytes sent over `parallel` connections of
// MADOGUCHI_BENCH_CLIENT_PER_CONNECTION messages (default 20, the outbox's default).
async Task<(string, double, double)> RunClientAloneAsync()
{
    var perConnection = int.Parse(Environment.GetEnvironmentVariable("MADOGUCHI_BENCH_CLIENT_PER_CONNECTION") ?? "20", CultureInfo.InvariantCulture);
    var bytes = await File.ReadAllBytesAsync(sampleFile);
    var connection = new SmtpConnection("127.0.0.1", sink.Port, Madoguchi.Core.Receiving.Servers.MailSecurity.None, false, SmtpAuthentication.None, "", "");
    string[] recipients = ["customer@customer.test"];
    var next = -1;
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
    {
        Madoguchi.Core.Sending.Smtp.SmtpWireClient? client = null;
        var onThisConnection = 0;
        // As the outbox does: the next message on the same connection is handed over too (its envelope pipelined).
        SmtpMessage? announced = null;
        SmtpMessage? Take() => Interlocked.Increment(ref next) < count ? new SmtpMessage(new MemoryStream(bytes, writable: false), bytes.Length, "support@bench.test", recipients) : null;
        while ((announced ?? Take()) is { } current)
        {
            if (client is null)
            {
                // No Nagle delay, as the outbox's connector sets it.
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(System.Net.IPAddress.Loopback, sink.Port);
                client = await Madoguchi.Core.Sending.Smtp.SmtpWireClient.OpenAsync(socket, connection, new Madoguchi.Core.Receiving.Fetching.CertificateObservation(),
                    TimeSpan.FromSeconds(60), CancellationToken.None);
            }
            announced = ++onThisConnection < perConnection ? Take() : null;
            await client.SendAsync(current, announced, CancellationToken.None);
            if (onThisConnection == perConnection)
            {
                await client.QuitAsync(CancellationToken.None);
                await client.DisposeAsync();
                (client, onThisConnection) = (null, 0);
            }
        }
        if (client is not null)
        {
            await client.QuitAsync(CancellationToken.None);
            await client.DisposeAsync();
        }
    })));
    var seconds = clock.Elapsed.TotalSeconds;
    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"client alone: {seconds:F1} s ({count / seconds:F0} msg/s), CPU {cpu:F1} s (user+sys), load average {LoadAverage()}"));
    return ($"Madoguchi's SMTP client alone, no database ({perConnection} per connection; the outbox's ceiling)", seconds, cpu);
}

// Seconds between the first and the last acceptance the outbox recorded (OutgoingMessages.SentAt, one time per message),
// and those of the second half of the messages (the rate once start-up work, such as the first monitoring round, is over).
static async Task<(double Span, double SecondHalf)> SentSpanAsync(string folder)
{
    await using var db = new SqliteConnection($"Data Source={Path.Combine(folder, "madoguchi.db")};Mode=ReadOnly;Default Timeout=30");
    await db.OpenAsync();
    await using var command = db.CreateCommand();
    command.CommandText = "SELECT SentAt FROM OutgoingMessages WHERE State = 'Sent' ORDER BY SentAt";
    var times = new List<DateTime>();
    await using (var reader = await command.ExecuteReaderAsync())
    {
        while (await reader.ReadAsync())
            times.Add(DateTime.Parse(reader.GetString(0), CultureInfo.InvariantCulture));
    }
    return ((times[^1] - times[0]).TotalSeconds, (times[^1] - times[times.Count / 2]).TotalSeconds);
}

static void CopyFolder(string from, string to)
{
    foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
    foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static string LoadAverage()
{
    try
    {
        return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "?";
    }
}

// CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat (fields 14 and 15, in clock ticks).
static double CpuSeconds(int pid)
{
    try
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }
    catch (IOException)
    {
        return 0;
    }
}

// CPU seconds of this process's waited-for children (cutime + cstime of /proc/self/stat).
static double ChildrenCpuSeconds()
{
    var stat = File.ReadAllText("/proc/self/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture)) / 100.0;
}
