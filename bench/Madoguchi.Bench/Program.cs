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

var results = new List<(string Name, double Seconds, long PeakKb)>();
foreach (var protocol in new[] { "imap", "pop3" })
    results.Add(await RunMadoguchiAsync(protocol));
results.Add(await RunMbsyncAsync());

var mbsync = results.Single(r => r.Name.StartsWith("mbsync", StringComparison.Ordinal));
Console.WriteLine();
Console.WriteLine("| run | seconds | messages/s | vs mbsync | peak memory |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
foreach (var (name, seconds, peak) in results)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {seconds:F1} | {messages.Count / seconds:F0} | {mbsync.Seconds / seconds:F2} | {(peak > 0 ? $"{peak / 1024.0:F0} MB" : "-")} |"));
return 0;

async Task<(string, double, long)> RunMadoguchiAsync(string protocol)
{
    // The set-up app only arranges and observes: the measured work happens in the child process.
    var settings = new Dictionary<string, string?> { ["Madoguchi:Receiving:WorkerEnabled"] = "false", ["Madoguchi:InboundPipeline:RunWorker"] = "false" };
    var app = await MadoguchiApp.StartAsync(DatabaseProvider.Sqlite, settings);
    var account = await app.CreateAccountAsync();
    var owner = await account.SignInOwnerAsync();
    var inbox = await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "bench", colour = "#1e88e5" })).Content.ReadFromJsonAsync<JsonElement>();
    var inboxId = inbox.GetProperty("id").GetGuid();
    var created = await owner.PostAsJsonAsync($"/api/v1/inboxes/{inboxId}/receive-servers", new
    {
        protocol, host = dovecot.Host, port = protocol == "imap" ? dovecot.ImapPort : dovecot.Pop3Port, security = "none",
        username = user.Name, password = user.Password, useIdle = false, pollSeconds = 60,
    });
    created.EnsureSuccessStatusCode();
    var database = app.Database;

    var info = new ProcessStartInfo("dotnet") { ArgumentList = { webDll, "--urls", $"http://127.0.0.1:{FreePort.Get()}" }, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    info.Environment["MADOGUCHI_DATADIRECTORY"] = database.DataDirectory;
    info.Environment["MADOGUCHI_DATABASE__PROVIDER"] = "Sqlite";
    info.Environment["MADOGUCHI_DATABASE__CONNECTIONSTRING"] = database.ConnectionString;
    info.Environment["MADOGUCHI_RECEIVING__WORKERENABLED"] = "true";
    // The private Dovecot listens on 127.0.0.1, which installations refuse unless allowed.
    info.Environment["MADOGUCHI_NETWORK__ALLOWLOOPBACK"] = "true";
    info.Environment["Logging__LogLevel__Default"] = "Warning";
    var clock = Stopwatch.StartNew();
    using var child = Process.Start(info)!;
    child.OutputDataReceived += (_, _) => { };
    child.ErrorDataReceived += (_, _) => { };
    child.BeginOutputReadLine();
    child.BeginErrorReadLine();
    long peak = 0;
    while (true)
    {
        peak = Math.Max(peak, PeakKb(child.Id));
        // End to end: every message fetched, stored and turned into a ticket message visible in the inbox.
        var visible = await app.WithDbAsync(db => db.TicketMessages.CountAsync(m => m.InboxId == inboxId));
        if (visible >= messages.Count || child.HasExited || clock.Elapsed > TimeSpan.FromMinutes(30))
            break;
        await Task.Delay(200);
    }
    var seconds = clock.Elapsed.TotalSeconds;
    peak = Math.Max(peak, PeakKb(child.Id));
    child.Kill(entireProcessTree: true);
    await child.WaitForExitAsync();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"madoguchi {protocol}: {seconds:F1} s (process start included), peak {peak / 1024.0:F0} MB"));
    await app.DisposeAsync();
    return ($"Madoguchi {protocol.ToUpperInvariant()} (until every ticket is visible)", seconds, peak);
}

async Task<(string, double, long)> RunMbsyncAsync()
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
    var clock = Stopwatch.StartNew();
    using var process = Process.Start(new ProcessStartInfo("mbsync") { ArgumentList = { "-c", config, "-q", "bench" }, UseShellExecute = false })!;
    await process.WaitForExitAsync();
    var seconds = clock.Elapsed.TotalSeconds;
    var copied = Directory.EnumerateFiles(Path.Combine(folder, "mail", "INBOX"), "*", SearchOption.AllDirectories).Count(f => Path.GetFileName(Path.GetDirectoryName(f)) is "cur" or "new");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mbsync: exit {process.ExitCode}, {copied:N0} messages in {seconds:F1} s"));
    Directory.Delete(folder, recursive: true);
    return ("mbsync (isync, FSync yes)", seconds, 0);
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
