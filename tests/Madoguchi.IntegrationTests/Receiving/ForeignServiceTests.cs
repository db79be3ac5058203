using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;

namespace Madoguchi.IntegrationTests.Receiving;

/// <summary>Connection test and fetch are not a way to read other services: pointed at an HTTP server, an SSH banner, an
/// SMTP greeting, random bytes or a port that closes at once, every detail shown or stored is our own words, with not one
/// byte of what the service sent.</summary>
public sealed class ForeignServiceTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    private const string Marker = "BANNER";

    public enum Kind { Http, Ssh, Smtp, RandomBytes, CloseAtOnce }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ForeignServices_ConnectionTestAndFetch_ShowNoneOfTheirBytes(DatabaseProvider provider)
    {
        var user = await dovecot.AddUniqueUserAsync();
        await using var scenario = await ReceivingScenario.StartAsync(provider);
        var services = new List<ForeignService>();
        var servers = new Dictionary<Guid, (Kind Kind, string Protocol, string Base)>();
        try
        {
            // At most three servers per inbox: one inbox per kind of service, with an IMAP and a POP3 server pointed at it.
            foreach (var kind in Enum.GetValues<Kind>())
            {
                var created = await scenario.Owner.PostAsJsonAsync("/api/v1/inboxes", new { name = $"窓口 {kind}", colour = "#1e88e5" });
                created.EnsureSuccessStatusCode();
                var inbox = $"/api/v1/inboxes/{(await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()}";
                // The SSH port is also tried with TLS on connect: the handshake fails, and says so in our words.
                foreach (var protocol in kind == Kind.Ssh ? ["imap", "pop3", "imaps"] : new[] { "imap", "pop3" })
                {
                    var service = ForeignService.Start(kind);
                    services.Add(service);
                    var body = protocol switch
                    {
                        "imap" => ReceivingScenario.Imap(dovecot.Server, user, new { host = "127.0.0.1", port = service.Port }),
                        "imaps" => ReceivingScenario.Imap(dovecot.Server, user, new { host = "127.0.0.1", port = service.Port, security = "tls" }),
                        _ => ReceivingScenario.Pop3(dovecot.Server, user, new { host = "127.0.0.1", port = service.Port }),
                    };
                    var added = await scenario.Owner.PostAsJsonAsync($"{inbox}/receive-servers", body);
                    var text = await added.Content.ReadAsStringAsync();
                    Assert.True(added.IsSuccessStatusCode, text);
                    servers[JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid()] = (kind, protocol, inbox);
                }
            }

            var fetches = new List<JsonElement>();
            var statuses = new List<JsonElement>();
            foreach (var inbox in servers.Values.Select(s => s.Base).Distinct())
            {
                fetches.Add(await ReadAsync(await scenario.Owner.PostAsync($"{inbox}/fetch", null)));
                statuses.Add(await ReadAsync(await scenario.Owner.GetAsync($"{inbox}/receive-status")));
            }
            var tests = new Dictionary<Guid, JsonElement>();
            foreach (var (id, server) in servers)
                tests[id] = await ReadAsync(await scenario.Owner.PostAsync($"{server.Base}/receive-servers/{id}/test", null));

            Assert.All(services, s => Assert.True(s.Connections >= 2, $"{s.Kind} was connected to {s.Connections} times"));
            foreach (var text in fetches.Concat(statuses).Concat(tests.Values).Select(j => j.ToString()))
                AssertNoRemoteBytes(text);

            foreach (var (id, (kind, protocol, _)) in servers)
            {
                var name = protocol == "pop3" ? "POP3" : "IMAP";
                var expected = protocol == "imaps" ? "tls_failed" : kind == Kind.CloseAtOnce ? "connection_lost" : "not_mail_server";
                var item = fetches.SelectMany(f => f.GetProperty("items").EnumerateArray()).Single(i => i.GetProperty("serverId").GetGuid() == id);
                Assert.False(item.GetProperty("ok").GetBoolean());
                Assert.Equal(expected, item.GetProperty("error").GetProperty("code").GetString());
                var lastError = statuses.SelectMany(f => f.GetProperty("items").EnumerateArray()).Single(i => i.GetProperty("serverId").GetGuid() == id).GetProperty("lastError");
                Assert.Equal(expected, lastError.GetProperty("code").GetString());
                var detail = lastError.GetProperty("detail").GetString()!;
                Assert.Contains(protocol == "imaps" ? "TLS handshake failed: no certificate was received" : kind == Kind.CloseAtOnce ? $"closed the connection before sending a{(name == "IMAP" ? "n" : "")} {name} greeting" : $"not a{(name == "IMAP" ? "n" : "")} {name} server", detail, StringComparison.Ordinal);

                var test = tests[id];
                Assert.False(test.GetProperty("ok").GetBoolean());
                var failed = test.GetProperty("items").EnumerateArray().Single(s => !s.GetProperty("ok").GetBoolean());
                Assert.Equal(protocol == "imaps" ? "tls" : "greeting", failed.GetProperty("step").GetString());
                Assert.DoesNotContain("Exception", detail, StringComparison.Ordinal);
                Assert.Equal(detail, failed.GetProperty("detail").GetString());
            }
        }
        finally
        {
            foreach (var service in services)
                await service.DisposeAsync();
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static void AssertNoRemoteBytes(string text)
    {
        foreach (var piece in new[] { Marker, "SSH-2.0", "HTTP/1.1", "ESMTP", "Bad Request" })
            Assert.DoesNotContain(piece, text, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A service on 127.0.0.1 that is not a mail server. Every answer carries <see cref="Marker"/>.</summary>
    private sealed class ForeignService : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stopping = new();
        private Task? loop;
        private int connections;

        private ForeignService(Kind kind) => Kind = kind;

        public Kind Kind { get; }
        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;
        public int Connections => Volatile.Read(ref connections);

        public static ForeignService Start(Kind kind)
        {
            var service = new ForeignService(kind);
            service.listener.Start();
            service.loop = service.AcceptAsync();
            return service;
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
                switch (Kind)
                {
                    case Kind.Http:
                        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 400 Bad Request\r\nServer: {Marker}-internal-admin/2.4\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), stopping.Token);
                        break;
                    case Kind.Ssh:
                        await stream.WriteAsync(Encoding.ASCII.GetBytes($"SSH-2.0-OpenSSH_9.6 {Marker}-host-key\r\n"), stopping.Token);
                        await DrainAsync(stream);
                        break;
                    case Kind.Smtp:
                        await stream.WriteAsync(Encoding.ASCII.GetBytes($"220 mx.{Marker}.test ESMTP Postfix\r\n"), stopping.Token);
                        await DrainAsync(stream);
                        break;
                    case Kind.RandomBytes:
                        var noise = new byte[256];
                        new Random(6).NextBytes(noise);
                        noise[0] = (byte)'Q';
                        Encoding.ASCII.GetBytes(Marker).CopyTo(noise, 100);
                        await stream.WriteAsync(noise, stopping.Token);
                        await stream.WriteAsync("\r\n"u8.ToArray(), stopping.Token);
                        break;
                    case Kind.CloseAtOnce:
                        break;
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
            }
        }

        /// <summary>Reads what the client sends until it hangs up, as a real service would wait.</summary>
        private async Task DrainAsync(NetworkStream stream)
        {
            var buffer = new byte[1024];
            while (await stream.ReadAsync(buffer, stopping.Token) > 0)
            {
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
