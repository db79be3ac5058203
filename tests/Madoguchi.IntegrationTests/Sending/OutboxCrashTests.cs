using System.Diagnostics;
using System.Text.RegularExpressions;
using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.IntegrationTests.Receiving;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Sending;

/// <summary>The outbox against slow servers and sudden death: a lease renewed while a slow SMTP server takes its time, and
/// the built Madoguchi.Web as a real process killed with SIGKILL mid-send, then restarted.</summary>
[LongRunning]
public sealed partial class OutboxCrashTests
{
    [Fact]
    public async Task SlowServer_TwoInstancesOnPostgres_LeaseRenewedWhileSending_NotTakenByTheOther_SentOnce()
    {
        const DatabaseProvider provider = DatabaseProvider.Postgres;
        // EHLO and DATA each wait two seconds (smtp-sink's delays of pipelined commands break their order): the conversation
        // lasts about four seconds, the lease only three.
        await using var sink = await SmtpSinkServer.StartNewAsync(["-W", "ehlo:2", "-w", "2"], dump: true);
        var settings = SendingScenario.Settings();
        settings["Madoguchi:Sending:LeaseDuration"] = "00:00:03.100";
        settings["Madoguchi:Sending:Timeout"] = "00:00:03";
        await using var s = await SendingScenario.StartAsync(provider, settings);
        // The other instance would take the message as soon as its lease ran out (one instance never takes its own: its
        // worker waits for the send).
        await using var other = await MadoguchiApp.StartBesideAsync(s.App, settings);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = sink.Port, security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync($"slow-{provider}@example.com");

        var messageId = (await s.ReplyAsync(ticketId, new { text = "ゆっくり" })).GetProperty("id").GetGuid();
        var row = await s.WaitUntilSettledAsync(messageId);

        Assert.True(row.State == SendState.Sent, $"{row.State}: {row.ErrorCode} {row.ServerReply}");
        Assert.Equal(1, row.Attempts);
        await WaitForDumpsAsync(sink, 1);
        Assert.Equal(1, sink.CountDumpedMessages());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ProcessKilledMidSend_Restarted_EveryMessageDelivered_CopiesOnlyOfThoseInFlightWithTheSameMessageId(DatabaseProvider provider)
    {
        // DATA takes two seconds and the child sends two at a time, so a kill after the first is sent lands while others are 送信中.
        await using var sink = await SmtpSinkServer.StartNewAsync(["-w", "2"], dump: true);
        var settings = SendingScenario.Settings();
        settings["Madoguchi:Sending:WorkerEnabled"] = "false";
        await using var s = await SendingScenario.StartAsync(provider, settings);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = sink.Port, security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync($"kill-{provider}@example.com");
        const int Count = 10;
        var ids = new List<Guid>();
        for (var i = 0; i < Count; i++)
            ids.Add((await s.ReplyAsync(ticketId, new { text = $"Reply {i}" })).GetProperty("id").GetGuid());

        HashSet<Guid> inFlight;
        using (var child = StartChild(s.App.Database))
        {
            var started = await WorkerTests.WaitAsync(async () => await CountAsync(s, SendState.Sent) >= 1 || child.HasExited, 150);
            Assert.True(started && !child.HasExited, $"the child never started sending: {Output}");
            child.Kill(entireProcessTree: true); // SIGKILL
            await child.WaitForExitAsync();
            inFlight = [.. await s.App.WithDbAsync(db => db.OutgoingMessages.AsNoTracking().Where(o => o.State == SendState.Sending).Select(o => o.TicketMessageId).ToListAsync())];
        }
        Assert.NotEmpty(inFlight);
        using (var child = StartChild(s.App.Database))
        {
            var finished = await WorkerTests.WaitAsync(async () => await CountAsync(s, SendState.Sent) == Count, 150);
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
            Assert.True(finished, $"only {await CountAsync(s, SendState.Sent)} of {Count} sent");
        }

        var messageIds = await s.App.WithDbAsync(db => db.TicketMessages.AsNoTracking().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.MessageIdHeader, m => m.Id));
        await WaitForDumpsAsync(sink, Count);
        var delivered = Directory.EnumerateFiles(sink.DumpDirectory, "*", SearchOption.AllDirectories)
            .Select(f => MessageIdHeader().Match(File.ReadAllText(f)).Groups[1].Value).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        // Every message arrived; a second copy (same Message-ID) only of a message whose outcome the kill left unknown.
        Assert.Equal(messageIds.Keys.Order(StringComparer.Ordinal), delivered.Keys.Order(StringComparer.Ordinal));
        foreach (var (header, copies) in delivered)
            Assert.True(copies == 1 || (copies == 2 && inFlight.Contains(messageIds[header])), $"{header}: {copies} copies");
    }

    private static readonly System.Collections.Concurrent.ConcurrentQueue<string> Lines = new();

    private static string Output => string.Join('\n', Lines.TakeLast(30));

    private static void Remember(string? line)
    {
        if (line is null)
            return;
        Lines.Enqueue(line);
        while (Lines.Count > 200)
            Lines.TryDequeue(out _);
    }

    private static Task<int> CountAsync(SendingScenario s, SendState state) =>
        s.App.WithDbAsync(db => db.OutgoingMessages.CountAsync(o => o.State == state));

    private static async Task WaitForDumpsAsync(SmtpSinkServer sink, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (sink.CountDumpedMessages() < count && DateTime.UtcNow < deadline)
            await Task.Delay(20);
    }

    [GeneratedRegex(@"^Message-ID:\s*<([^>]+)>", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex MessageIdHeader();

    private static Process StartChild(TestDatabase database)
    {
        var web = CrashTests.FindWebDll();
        var info = new ProcessStartInfo("dotnet") { ArgumentList = { web, "--urls", $"http://127.0.0.1:{FreePort.Get()}" }, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(web)! };
        info.Environment["MADOGUCHI_DATADIRECTORY"] = database.DataDirectory;
        info.Environment["MADOGUCHI_DATABASE__PROVIDER"] = database.Provider.ToString();
        info.Environment["MADOGUCHI_DATABASE__CONNECTIONSTRING"] = database.ConnectionString;
        info.Environment["MADOGUCHI_RECEIVING__WORKERENABLED"] = "false";
        info.Environment["MADOGUCHI_NETWORK__ALLOWLOOPBACK"] = "true"; // smtp-sink is on 127.0.0.1
        info.Environment["MADOGUCHI_SENDING__POLLINTERVAL"] = "00:00:00.200";
        // A killed instance's lease must run out quickly for the next one to continue.
        info.Environment["MADOGUCHI_SENDING__LEASEDURATION"] = "00:00:04";
        info.Environment["MADOGUCHI_SENDING__TIMEOUT"] = "00:00:03";
        info.Environment["MADOGUCHI_SENDING__MAXPARALLEL"] = "2";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
