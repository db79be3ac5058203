using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;

namespace Madoguchi.IntegrationTests.Receiving;

/// <summary>Error details say what happened in our words: a local storage fault is storage_failed (not a lost
/// connection), and a mail server's own refusal is shown as one clean, short line.</summary>
public sealed class ReceiveDetailTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task BlobFolderUnwritable_IsStorageFailed_ThenFetchedOnceItIsFixed(DatabaseProvider provider)
    {
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverAsync(user.Name, DovecotServer.SampleMessage($"{Guid.NewGuid():N}@example.test"));
        await using var scenario = await ReceivingScenario.StartAsync(provider);
        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user));
        // A file where the blob store's temporary folder belongs: every write of an original fails on the local disk.
        var temp = Path.Combine(Path.GetFullPath(scenario.App.Database.DataDirectory), "blobs", "tmp");
        if (Directory.Exists(temp))
            Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
        await File.WriteAllTextAsync(temp, "not a folder");

        var failed = (await scenario.FetchNowAsync()).GetProperty("items")[0];
        var status = (await scenario.StatusAsync()).GetProperty("items")[0].GetProperty("lastError");

        Assert.Equal("storage_failed", failed.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("storage_failed", status.GetProperty("code").GetString());
        Assert.StartsWith("writing the original to the data folder failed: ", status.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(temp, status.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await scenario.StoredAsync());

        File.Delete(temp);
        var healed = (await scenario.FetchNowAsync()).GetProperty("items")[0];
        Assert.True(healed.GetProperty("ok").GetBoolean(), healed.ToString());
        Assert.Single(await scenario.StoredAsync());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ServersRefusalOfLogin_IsShownAsOneCleanShortLine(DatabaseProvider provider)
    {
        var user = await dovecot.AddUniqueUserAsync();
        await using var scenario = await ReceivingScenario.StartAsync(provider);
        await using var server = RefusingImapServer.Start();
        var id = await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user, new { host = "127.0.0.1", port = server.Port }));

        var fetch = (await scenario.FetchNowAsync()).GetProperty("items")[0];
        var detail = (await scenario.StatusAsync()).GetProperty("items")[0].GetProperty("lastError").GetProperty("detail").GetString()!;
        var test = await (await scenario.Owner.PostAsync($"{scenario.Base}/receive-servers/{id}/test", null)).Content.ReadFromJsonAsync<JsonElement>();
        var login = test.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("step").GetString() == "login");

        Assert.Equal("authentication_failed", fetch.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("the server said: ", detail, StringComparison.Ordinal);
        Assert.Contains("Wrong password for this mailbox", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("BANNER", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(detail, c => char.IsControl(c));
        Assert.InRange(detail.Length, 20, 260);
        Assert.False(login.GetProperty("ok").GetBoolean());
        Assert.Equal(detail, login.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task SettingsWithAWrongType_AnsweredByFieldName_NotTheJsonReadersText()
    {
        await using var scenario = await ReceivingScenario.StartAsync(DatabaseProvider.Sqlite);

        var response = await scenario.Owner.PostAsJsonAsync($"{scenario.Base}/receive-servers",
            new { protocol = "imap", host = "127.0.0.1", port = "993x", security = "none", username = "u", password = "p" });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("body_invalid", problem.GetProperty("code").GetString());
        Assert.Equal("The field \"port\" has the wrong type: send a whole number.", problem.GetProperty("detail").GetString());
    }

    /// <summary>Greets as IMAP (with a banner that must not be shown) and refuses every sign-in with long words and control characters.</summary>
    private sealed class RefusingImapServer : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stopping = new();
        private Task? loop;

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public static RefusingImapServer Start()
        {
            var server = new RefusingImapServer();
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
                await writer.WriteLineAsync("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] BANNER-imap-build-7.2 ready");
                while (await reader.ReadLineAsync(stopping.Token) is { } line)
                {
                    var parts = line.Split(' ', 3);
                    switch (parts.Length > 1 ? parts[1].ToUpperInvariant() : "")
                    {
                        case "CAPABILITY":
                            await writer.WriteLineAsync("* CAPABILITY IMAP4rev1 AUTH=PLAIN");
                            await writer.WriteLineAsync($"{parts[0]} OK done");
                            break;
                        case "LOGOUT":
                            await writer.WriteLineAsync("* BYE");
                            await writer.WriteLineAsync($"{parts[0]} OK done");
                            return;
                        case "AUTHENTICATE" when parts.Length == 3 && !parts[2].Contains(' ', StringComparison.Ordinal):
                            await writer.WriteLineAsync("+ ");
                            await reader.ReadLineAsync(stopping.Token);
                            await writer.WriteLineAsync($"{parts[0]} NO [AUTHENTICATIONFAILED] Wrong\u0007 password\u001b for this mailbox {new string('x', 400)}");
                            break;
                        default:
                            await writer.WriteLineAsync($"{parts[0]} NO [AUTHENTICATIONFAILED] Wrong\u0007 password\u001b for this mailbox {new string('x', 400)}");
                            break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
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
