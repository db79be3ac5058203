using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;

// Receiving benchmark: Madoguchi (separate process) importing one mailbox over IMAP and over POP3, and mbsync copying
// it to a Maildir, all from one private Dovecot. Usage: Madoguchi.Bench <mailbox folder from gen-mailbox.py> <Madoguchi.Web.dll>
var mailboxFolder = args[0];
var webDll = args[1];
var messages = File.ReadLines(Path.Combine(mailboxFolder, "manifest.jsonl"))
    .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("file").GetString()!)
    .Select(f => File.ReadAllBytes(Path.Combine(mailboxFolder, f))).ToList();
var megabytes = messages.Sum(m => (long)m.Length) / 1048576.0;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mailbox: {messages.Count:N0} messages, {megabytes:F0} MB"));

await using var dovecot = await DovecotServer.StartNewAsync();
var user = await dovecot.AddUserAsync("bench", "bench-password");
await dovecot.DeliverManyAsync(user.Name, messages);
Console.WriteLine($"dovecot: {await dovecot.CountMessagesAsync(user.Name):N0} messages in INBOX");

// Alternated rounds: the machine's noise hits every tool alike. Each round runs Madoguchi IMAP, mbsync, Madoguchi POP3,
// mbsync, so mbsync runs twice a round and always right after one of Madoguchi's runs.
var rounds = int.Parse(Environment.GetEnvironmentVariable("MADOGUCHI_BENCH_ROUNDS") ?? "3", CultureInfo.InvariantCulture);
// MADOGUCHI_BENCH_ONLY=imap runs Madoguchi over IMAP alone (a long one-off import, such as 100,000 messages).
var only = Environment.GetEnvironmentVariable("MADOGUCHI_BENCH_ONLY");
var runs = new List<Run>();
// Every run's files are deleted at the end, not between runs: on ext4 without a journal (as on this 2-core machine), a new file
// skips the inodes deleted in the last minutes, each looked up on disk, so a run right after another's delete of 10,000
// files spends seconds more in the kernel (12 % of a POP3 import's CPU in open(), against 2 % without).
var spent = new List<string>();
// Untimed warm-up: the first client to read a freshly delivered mailbox makes Dovecot build its cache (sizes, headers, POP3
// UIDLs), and that client was always Madoguchi, whose first run then took ~1 s more than the rest (bench/README.md,
// "Dovecot warmed before the first run"). One mbsync copy and one POP3 listing make every timed run meet the same server.
await RunMbsyncAsync(timed: false);
await WarmPop3Async();
// MADOGUCHI_BENCH_AB=<other Madoguchi.Web.dll>[;NAME=VALUE;...] compares two builds (or one build under two runtime settings):
// each round runs A (the dll given as argument) then B (this dll, with these extra environment variables for the child),
// both over MADOGUCHI_BENCH_ONLY's protocol (default imap), and prints medians of time, CPU and first ticket for each. No mbsync.
if (Environment.GetEnvironmentVariable("MADOGUCHI_BENCH_AB") is { Length: > 0 } ab)
{
    var parts = ab.Split(';', StringSplitOptions.RemoveEmptyEntries);
    var bEnvironment = parts.Skip(1).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
    var protocol = only ?? "imap";
    var abRuns = new List<(string Variant, Run Run)>();
    for (var round = 1; round <= rounds; round++)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} of {rounds} (load average {LoadAverage()})"));
        foreach (var (variant, dll, environment) in new[] { ("A", webDll, new Dictionary<string, string>()), ("B", parts[0], bEnvironment) })
        {
            Console.Write($"{variant} ");
            var r = await RunMadoguchiAsync(protocol, dll, environment);
            abRuns.Add((variant, r));
        }
    }
    Console.WriteLine($"A = {webDll}");
    Console.WriteLine($"B = {ab}");
    Console.WriteLine("| variant | runs | median s | median CPU s | min CPU s | max CPU s | median first ticket s | median CPU s at first ticket | median import s (from the server added) | median import CPU s | peak MB |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    foreach (var g in abRuns.GroupBy(r => r.Variant, r => r.Run))
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {g.Key} | {g.Count()} | {Median(g.Select(r => r.Seconds)):F1} | {Median(g.Select(r => r.Cpu)):F1} | {g.Min(r => r.Cpu):F1} | {g.Max(r => r.Cpu):F1} | {Median(g.Select(r => r.FirstTicket)):F1} | {Median(g.Select(r => r.CpuAtFirstTicket)):F1} | {Median(g.Select(r => r.ImportSeconds)):F1} | {Median(g.Select(r => r.ImportCpu)):F1} | {g.Max(r => r.PeakKb) / 1024.0:F0} |"));
    DeleteSpent();
    return 0;
}
for (var round = 1; round <= rounds; round++)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} of {rounds} (load average {LoadAverage()})"));
    runs.Add(await RunMadoguchiAsync("imap", webDll, []));
    if (only == "imap")
        continue;
    runs.Add(await RunMbsyncAsync());
    runs.Add(await RunMadoguchiAsync("pop3", webDll, []));
    runs.Add(await RunMbsyncAsync());
}
if (only == "imap")
{
    DeleteSpent();
    return 0;
}

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{messages.Count:N0} messages, {rounds} rounds, load average at the end {LoadAverage()}"));
Console.WriteLine("Rates in messages/s. Slowest run = minimum rate (longest time). Ratios are Madoguchi / mbsync of the same statistic.");
PrintRates("Import: from the receive server added to the running instance until every ticket is visible (mbsync: its whole run)", r => r.ImportSeconds);
PrintRates("Whole run: from Madoguchi's process start (its start-up included) until every ticket is visible", r => r.Seconds);
DeleteSpent();
return 0;

// Rates in messages/s. "Median" is the median run; "slowest" is the run with the longest time, i.e. the minimum rate.
void PrintRates(string title, Func<Run, double> seconds)
{
    var byName = runs.GroupBy(r => r.Name).Select(g => (
        Name: g.Key,
        Runs: g.Count(),
        Median: Median(g.Select(r => messages.Count / seconds(r))),
        Slowest: g.Min(r => messages.Count / seconds(r)),
        Fastest: g.Max(r => messages.Count / seconds(r)),
        PeakKb: g.Max(r => r.PeakKb),
        Cpu: Median(g.Select(r => r.Cpu)))).ToList();
    var mbsync = byName.Single(r => r.Name.StartsWith("mbsync", StringComparison.Ordinal));
    Console.WriteLine();
    Console.WriteLine(title);
    Console.WriteLine();
    Console.WriteLine("| run | runs | median msg/s | median vs mbsync | slowest run msg/s (minimum rate) | slowest vs mbsync slowest | fastest run msg/s | peak memory (max over runs) | median CPU s of the whole run (user+sys) |");
    Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    foreach (var r in byName)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {r.Name} | {r.Runs} | {r.Median:F0} | {r.Median / mbsync.Median:F2} | {r.Slowest:F0} | {r.Slowest / mbsync.Slowest:F2} | {r.Fastest:F0} | {(r.PeakKb > 0 ? $"{r.PeakKb / 1024.0:F0} MB" : "-")} | {r.Cpu:F1} |"));
}

void DeleteSpent()
{
    foreach (var folder in spent)
        Directory.Delete(folder, recursive: true);
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

async Task<Run> RunMadoguchiAsync(string protocol, string webDll, Dictionary<string, string> extraEnvironment)
{
    // The set-up app only arranges and observes: the measured work happens in the child process.
    var settings = new Dictionary<string, string?>
    {
        ["Madoguchi:Receiving:WorkerEnabled"] = "false",
        ["Madoguchi:InboundPipeline:RunWorker"] = "false",
        ["Madoguchi:Network:AllowLoopback"] = "true",
    };
    var app = await MadoguchiApp.StartAsync(DatabaseProvider.Sqlite, settings);
    var account = await app.CreateAccountAsync();
    var owner = await account.SignInOwnerAsync();
    var inbox = await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "bench", colour = "#1e88e5" })).Content.ReadFromJsonAsync<JsonElement>();
    var inboxId = inbox.GetProperty("id").GetGuid();
    // The receive server is added through the running instance's API, as a person does it, with a personal API token
    // (the database is shared, so the set-up app can issue it).
    var token = (await app.TokenClientAsync(account.Owner)).DefaultRequestHeaders.Authorization;
    var database = app.Database;

    var childUrl = $"http://127.0.0.1:{FreePort.Get()}";
    var info = new ProcessStartInfo("dotnet") { ArgumentList = { webDll, "--urls", childUrl }, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    info.Environment["MADOGUCHI_DATADIRECTORY"] = database.DataDirectory;
    info.Environment["MADOGUCHI_DATABASE__PROVIDER"] = "Sqlite";
    info.Environment["MADOGUCHI_DATABASE__CONNECTIONSTRING"] = database.ConnectionString;
    info.Environment["MADOGUCHI_RECEIVING__WORKERENABLED"] = "true";
    // The private Dovecot listens on 127.0.0.1, which installations refuse unless allowed.
    info.Environment["MADOGUCHI_NETWORK__ALLOWLOOPBACK"] = "true";
    // MADOGUCHI_BENCH_CHILD_LOG=<file>: the child's log at Information, each line with the seconds since its start (a timeline
    // of start-up, fetch commits and pipeline batches). MADOGUCHI_BENCH_PIDFILE=<file>: the child's process id, for a profiler.
    var childLog = Environment.GetEnvironmentVariable("MADOGUCHI_BENCH_CHILD_LOG");
    info.Environment["Logging__LogLevel__Default"] = childLog is null ? "Warning" : "Information";
    info.Environment["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning";
    foreach (var (name, value) in extraEnvironment)
        info.Environment[name] = value;
    using var log = childLog is null ? null : new StreamWriter(childLog, append: true) { AutoFlush = true };
    var clock = Stopwatch.StartNew();
    using var child = Process.Start(info)!;
    if (Environment.GetEnvironmentVariable("MADOGUCHI_BENCH_PIDFILE") is { } pidFile)
        File.WriteAllText(pidFile, child.Id.ToString(CultureInfo.InvariantCulture));
    void Log(string? line)
    {
        if (log is not null && line is not null)
        {
            lock (log)
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds,8:F3} {line}"));
        }
    }
    child.OutputDataReceived += (_, e) => Log(e.Data);
    child.ErrorDataReceived += (_, e) => Log(e.Data);
    child.BeginOutputReadLine();
    child.BeginErrorReadLine();
    long peak = 0;
    var visible = 0;
    double? firstVisible = null;
    double? cpuAtFirst = null;
    var cpu = 0.0;
    var limit = TimeSpan.FromSeconds(Math.Max(1800, messages.Count / 5.0));

    // Two clocks. From process start (the whole run, as before), and from the moment the receive server is added to the
    // running, settled instance: a team's first import starts that way (the app has been up since set-up), and mbsync's
    // run, a command started for the copy, has no server to start. Settled: ready, and using under a tenth of a core.
    using var api = new HttpClient { BaseAddress = new Uri(childUrl), Timeout = TimeSpan.FromSeconds(30) };
    api.DefaultRequestHeaders.Authorization = token;
    await WaitUntilSettledAsync(api, child, limit);
    var readyAt = clock.Elapsed.TotalSeconds;
    var cpuAtReady = CpuSeconds(child.Id);
    var added = await api.PostAsJsonAsync($"/api/v1/inboxes/{inboxId}/receive-servers", new
    {
        protocol, host = dovecot.Host, port = protocol == "imap" ? dovecot.ImapPort : dovecot.Pop3Port, security = "none",
        username = user.Name, password = user.Password, useIdle = false, pollSeconds = 60,
    });
    added.EnsureSuccessStatusCode();
    while (true)
    {
        peak = Math.Max(peak, PeakKb(child.Id));
        // End to end: every message fetched, stored and turned into a ticket message visible in the inbox.
        visible = await app.WithDbAsync(db => db.TicketMessages.CountAsync(m => m.InboxId == inboxId));
        if (visible > 0)
        {
            firstVisible ??= clock.Elapsed.TotalSeconds;
            // CPU until the first ticket: start-up and the first batch, measured in a unit the machine's load barely moves.
            cpuAtFirst ??= CpuSeconds(child.Id);
        }
        if (log is not null)
            Log($"[bench] {await app.WithDbAsync(db => db.RawMessages.CountAsync())} stored, {visible} visible, CPU {CpuSeconds(child.Id):F1} s");
        cpu = Math.Max(cpu, CpuSeconds(child.Id));
        if (visible >= messages.Count || child.HasExited || clock.Elapsed > limit)
            break;
        await Task.Delay(200);
    }
    var seconds = clock.Elapsed.TotalSeconds;
    var import = seconds - readyAt;
    peak = Math.Max(peak, PeakKb(child.Id));
    cpu = Math.Max(cpu, CpuSeconds(child.Id));
    child.Kill(entireProcessTree: true);
    await child.WaitForExitAsync();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"madoguchi {protocol}: {seconds:F1} s ({messages.Count / seconds:F0} msg/s, process start included; settled at {readyAt:F1} s, CPU {cpuAtReady:F1} s); import from the server added {import:F1} s ({messages.Count / import:F0} msg/s, CPU {cpu - cpuAtReady:F1} s), first ticket at {firstVisible ?? 0:F1} s (CPU {cpuAtFirst ?? 0:F1} s), CPU {cpu:F1} s (user+sys), peak {peak / 1024.0:F0} MB, load average {LoadAverage()}{(visible < messages.Count ? $", INCOMPLETE: {visible:N0} visible" : "")}"));
    app.KeepDataFolder = true;
    spent.Add(app.Database.DataDirectory);
    await app.DisposeAsync();
    return new($"Madoguchi {protocol.ToUpperInvariant()} (until every ticket is visible)", seconds, peak, cpu, firstVisible ?? 0, cpuAtFirst ?? 0, import, cpu - cpuAtReady);
}

// Until /readyz answers (within the run's limit), then until the instance has gone quiet (its start-up work and first
// worker rounds done), giving up on quiet a minute after the start.
async Task WaitUntilSettledAsync(HttpClient api, Process child, TimeSpan limit)
{
    var waited = Stopwatch.StartNew();
    while (true)
    {
        if (child.HasExited)
            throw new InvalidOperationException($"Madoguchi exited with code {child.ExitCode} before it was ready.");
        try
        {
            if ((await api.GetAsync("/readyz")).IsSuccessStatusCode)
                break;
        }
        catch (HttpRequestException)
        {
            // Not listening yet.
        }
        if (waited.Elapsed > limit)
            throw new TimeoutException("Madoguchi did not become ready.");
        await Task.Delay(50);
    }
    var before = CpuSeconds(child.Id);
    while (waited.Elapsed < TimeSpan.FromMinutes(1))
    {
        await Task.Delay(500);
        var now = CpuSeconds(child.Id);
        if (now - before < 0.05)
            return;
        before = now;
    }
}

async Task WarmPop3Async()
{
    using var pop3 = new MailKit.Net.Pop3.Pop3Client();
    await pop3.ConnectAsync(dovecot.Host, dovecot.Pop3Port, MailKit.Security.SecureSocketOptions.None);
    await pop3.AuthenticateAsync(user.Name, user.Password);
    var uids = await pop3.GetMessageUidsAsync();
    var sizes = await pop3.GetMessageSizesAsync();
    await pop3.DisconnectAsync(quit: true);
    Console.WriteLine($"warm-up (untimed): mbsync copy, POP3 listing of {uids.Count:N0} UIDLs and {sizes.Count:N0} sizes");
}

async Task<Run> RunMbsyncAsync(bool timed = true)
{
    var folder = Directory.CreateTempSubdirectory("madoguchi-bench-mbsync-").FullName;
    var config = Path.Combine(folder, "mbsyncrc");
    Directory.CreateDirectory(Path.Combine(folder, "mail"));
    File.WriteAllText(config, $"""
        FSync yes

        IMAPAccount bench
        Host {dovecot.Host}
        Port {dovecot.ImapPort}
        User {user.Name}
        Pass {user.Password}
        SSLType None
        AuthMechs LOGIN PLAIN

        IMAPStore remote
        Account bench

        MaildirStore local
        Path {folder}/mail/
        Inbox {folder}/mail/INBOX

        Channel bench
        Far :remote:
        Near :local:
        Patterns INBOX
        Create Near
        Sync Pull
        SyncState *

        """);
    var childrenCpuBefore = ChildrenCpuSeconds();
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(new ProcessStartInfo("mbsync") { ArgumentList = { "-c", config, "-q", "bench" }, UseShellExecute = false })!;
    await process.WaitForExitAsync();
    var seconds = clock.Elapsed.TotalSeconds;
    // The exited child's CPU time, from the wait status the runtime collected (user + system).
    var cpu = ChildrenCpuSeconds() - childrenCpuBefore;
    var copied = Directory.EnumerateFiles(Path.Combine(folder, "mail", "INBOX"), "*", SearchOption.AllDirectories).Count(f => Path.GetFileName(Path.GetDirectoryName(f)) is "cur" or "new");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mbsync{(timed ? "" : " (warm-up, untimed)")}: exit {process.ExitCode}, {copied:N0} messages in {seconds:F1} s ({messages.Count / seconds:F0} msg/s), CPU {cpu:F1} s (user+sys), load average {LoadAverage()}"));
    spent.Add(folder);
    // mbsync is a command started for the copy: its run is its import.
    return new("mbsync (isync, FSync yes)", seconds, 0, cpu, 0, 0, seconds, cpu);
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

static long PeakKb(int pid)
{
    try
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
    catch (IOException)
    {
        return 0;
    }
}

/// <summary>One run: the whole run from process start, and the import from the receive server added (Madoguchi; for
/// mbsync, a command started for the copy, both are its run, and it has no first ticket or peak).</summary>
internal sealed record Run(string Name, double Seconds, long PeakKb, double Cpu, double FirstTicket, double CpuAtFirstTicket, double ImportSeconds, double ImportCpu);
