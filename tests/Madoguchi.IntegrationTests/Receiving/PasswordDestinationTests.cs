using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Receiving;

/// <summary>A stored mailbox password never leaves for another host: changing where it is sent needs it again.</summary>
public sealed class PasswordDestinationTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AdministratorChangesDestinationWithoutPassword_RefusedAndThePasswordNeverReachesTheirServer(DatabaseProvider provider)
    {
        var user = await dovecot.AddUniqueUserAsync();
        var settings = ReceivingScenario.Settings();
        settings["Madoguchi:Network:AllowLoopback"] = "true";
        await using var scenario = await ReceivingScenario.StartAsync(provider, settings);
        var server = await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user));
        var member = await scenario.Account.AddActiveUserAsync();
        (await scenario.Owner.PutAsJsonAsync($"/api/v1/inboxes/{scenario.InboxId}/roles/{member.Id}", new { role = "administrator" })).EnsureSuccessStatusCode();
        using var admin = await scenario.App.SignInAsync(member.Email);
        await using var trap = RecordingImapServer.Start();
        var url = $"{scenario.Base}/receive-servers/{server}";

        var refusals = new List<(HttpStatusCode Status, string? Code)>();
        foreach (var change in new object[]
        {
            new { port = trap.Port },
            new { host = "localhost", port = trap.Port, pollSeconds = 30 },
            new { username = "someone-else" },
            new { security = "starttls" },
            new { validateCertificate = false },
        })
        {
            var response = await admin.PatchAsJsonAsync(url, change);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            refusals.Add((response.StatusCode, body.TryGetProperty("code", out var c) ? c.GetString() : body.ToString()));
        }
        (await admin.PostAsync($"{scenario.Base}/fetch", null)).EnsureSuccessStatusCode();
        (await admin.PostAsync($"{url}/test", null)).EnsureSuccessStatusCode();
        var unchanged = (await admin.GetFromJsonAsync<JsonElement>($"{scenario.Base}/receive-servers")).GetProperty("items")[0];
        var connectionsWhileRefused = trap.Connections;
        var harmless = await admin.PatchAsJsonAsync(url, new { pollSeconds = 120 });

        var accepted = await admin.PatchAsJsonAsync(url, new { port = trap.Port, password = "their-own-password" });
        (await admin.PostAsync($"{url}/test", null)).EnsureSuccessStatusCode();
        var audit = await scenario.App.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.AccountId == scenario.Account.Id && e.Action == AuditAction.ReceiveServerChanged).Select(e => e.Detail).ToListAsync());

        Assert.All(refusals, r => Assert.Equal((HttpStatusCode.BadRequest, "password_required"), r));
        Assert.Equal(0, connectionsWhileRefused);
        Assert.Equal(dovecot.Server.ImapPort, unchanged.GetProperty("port").GetInt32());
        Assert.Equal(user.Name, unchanged.GetProperty("username").GetString());
        Assert.Equal(HttpStatusCode.OK, harmless.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.True(trap.Connections > 0);
        Assert.Contains("their-own-password", trap.Received, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Password, trap.Received, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(user.Password)), trap.Received, StringComparison.Ordinal);
        var entry = Assert.Single(audit, d => d!.Contains("port:", StringComparison.Ordinal));
        Assert.Contains($"port: {dovecot.Server.ImapPort} -> {trap.Port}", entry, StringComparison.Ordinal);
        Assert.All(audit, d => Assert.DoesNotContain("their-own-password", d!, StringComparison.Ordinal));
        Assert.All(audit, d => Assert.DoesNotContain(user.Password, d!, StringComparison.Ordinal));
    }

    /// <summary>A fake IMAP server on 127.0.0.1 that records every byte it receives and lets nobody in.</summary>
    private sealed class RecordingImapServer : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stopping = new();
        private readonly StringBuilder received = new();
        private readonly Lock gate = new();
        private int connections;
        private Task? loop;

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public int Connections => Volatile.Read(ref connections);

        public string Received
        {
            get
            {
                lock (gate)
                    return received.ToString();
            }
        }

        public static RecordingImapServer Start()
        {
            var server = new RecordingImapServer();
            server.listener.Start();
            server.loop = server.AcceptAsync();
            return server;
        }

        private async Task AcceptAsync()
        {
            while (!stopping.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await listener.AcceptSocketAsync(stopping.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
                Interlocked.Increment(ref connections);
                _ = ServeAsync(socket);
            }
        }

        private async Task ServeAsync(Socket socket)
        {
            try
            {
                await using var stream = new NetworkStream(socket, ownsSocket: true);
                using var reader = new StreamReader(stream, Encoding.Latin1);
                await using var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("* OK IMAP4rev1 ready");
                while (await reader.ReadLineAsync(stopping.Token) is { } line)
                {
                    lock (gate)
                        received.AppendLine(line);
                    var parts = line.Split(' ', 3);
                    var tag = parts[0];
                    var command = parts.Length > 1 ? parts[1].ToUpperInvariant() : "";
                    switch (command)
                    {
                        case "CAPABILITY":
                            await writer.WriteLineAsync("* CAPABILITY IMAP4rev1 AUTH=PLAIN");
                            await writer.WriteLineAsync($"{tag} OK done");
                            break;
                        case "LOGOUT":
                            await writer.WriteLineAsync("* BYE");
                            await writer.WriteLineAsync($"{tag} OK done");
                            return;
                        case "AUTHENTICATE" when parts.Length == 3 && !parts[2].Contains(' ', StringComparison.Ordinal):
                            await writer.WriteLineAsync("+ ");
                            var response = await reader.ReadLineAsync(stopping.Token);
                            lock (gate)
                                received.AppendLine(response).AppendLine(Decode(response));
                            await writer.WriteLineAsync($"{tag} NO [AUTHENTICATIONFAILED] no");
                            break;
                        case "AUTHENTICATE":
                            lock (gate)
                                received.AppendLine(Decode(parts[2].Split(' ').Last()));
                            await writer.WriteLineAsync($"{tag} NO [AUTHENTICATIONFAILED] no");
                            break;
                        default:
                            await writer.WriteLineAsync($"{tag} NO [AUTHENTICATIONFAILED] no");
                            break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
        }

        private static string Decode(string? base64)
        {
            try
            {
                return base64 is null ? "" : Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Replace('\0', ' ');
            }
            catch (FormatException)
            {
                return "";
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stopping.CancelAsync();
            listener.Stop();
            if (loop is not null)
                await loop;
            stopping.Dispose();
        }
    }
}
