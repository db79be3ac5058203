using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.IntegrationTests.Receiving;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;

namespace Madoguchi.IntegrationTests.Network;

/// <summary>Connection test and fetch are not a network scanner: loopback, link-local and private addresses are refused
/// before any connection unless Madoguchi:Network allows them. Only 127.0.0.1 ever receives traffic here.</summary>
public sealed class OutboundAddressTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    private static Dictionary<string, string?> Settings(bool allowLoopback, params string[] networks)
    {
        var settings = ReceivingScenario.Settings();
        settings["Madoguchi:Network:AllowLoopback"] = allowLoopback ? "true" : "false";
        for (var i = 0; i < networks.Length; i++)
            settings[$"Madoguchi:Network:AllowedNetworks:{i}"] = networks[i];
        return settings;
    }

    private static JsonElement Step(JsonElement test, string name) => test.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("step").GetString() == name);

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task LoopbackOff_RefusesInternalAddresses_BeforeConnecting(DatabaseProvider provider)
    {
        // A listener on 127.0.0.1 that counts connections: a name or literal that reaches it must never connect.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = 0;
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var socket = await listener.AcceptSocketAsync(stop.Token);
                Interlocked.Increment(ref accepted);
            }
        });
        await using var scenario = await ReceivingScenario.StartAsync(provider, Settings(allowLoopback: false));
        var user = await dovecot.AddUniqueUserAsync();

        (string Host, string Code, string Setting)[] cases =
        [
            ("127.0.0.1", "loopback_not_allowed", "Madoguchi:Network:AllowLoopback"),
            ("localhost", "loopback_not_allowed", "Madoguchi:Network:AllowLoopback"),
            ("::ffff:127.0.0.1", "loopback_not_allowed", "Madoguchi:Network:AllowLoopback"),
            ("0.0.0.0", "address_not_allowed", "Madoguchi:Network:AllowedNetworks"),
            ("169.254.169.254", "address_not_allowed", "Madoguchi:Network:AllowedNetworks"),
            ("10.23.45.67", "address_not_allowed", "Madoguchi:Network:AllowedNetworks"),
        ];
        foreach (var (host, code, setting) in cases)
        {
            var id = await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user, new { host, port }));

            var fetch = (await scenario.FetchNowAsync()).GetProperty("items")[0];
            var test = await (await scenario.Owner.PostAsync($"{scenario.Base}/receive-servers/{id}/test", null)).Content.ReadFromJsonAsync<JsonElement>();
            var status = (await scenario.StatusAsync()).GetProperty("items")[0];

            Assert.False(fetch.GetProperty("ok").GetBoolean(), host);
            Assert.Equal(code, fetch.GetProperty("error").GetProperty("code").GetString());
            var lastError = status.GetProperty("lastError");
            Assert.Equal(code, lastError.GetProperty("code").GetString());
            Assert.Contains(setting, lastError.GetProperty("ja").GetString(), StringComparison.Ordinal);
            Assert.Contains(setting, lastError.GetProperty("en").GetString(), StringComparison.Ordinal);
            Assert.False(test.GetProperty("ok").GetBoolean());
            Assert.True(Step(test, "name_lookup").GetProperty("ok").GetBoolean(), test.ToString());
            var check = Step(test, "address_check");
            Assert.False(check.GetProperty("ok").GetBoolean());
            Assert.Contains(setting, check.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", check.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain(test.GetProperty("items").EnumerateArray(), s => s.GetProperty("step").GetString() == "tcp_connect");
            (await scenario.Owner.DeleteAsync($"{scenario.Base}/receive-servers/{id}")).EnsureSuccessStatusCode();
        }

        Assert.Equal(0, Volatile.Read(ref accepted));
        Assert.Empty(await scenario.StoredAsync());
        await stop.CancelAsync();
        listener.Stop();
        await Assert.ThrowsAnyAsync<Exception>(() => accepting);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AllowLoopbackOn_FetchesFromServerOnThisHost(DatabaseProvider provider)
    {
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverAsync(user.Name, DovecotServer.SampleMessage($"{Guid.NewGuid():N}@example.test"));
        await using var scenario = await ReceivingScenario.StartAsync(provider, Settings(allowLoopback: true));
        var id = await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user, new { host = "localhost" }));

        var fetch = (await scenario.FetchNowAsync()).GetProperty("items")[0];
        var test = await (await scenario.Owner.PostAsync($"{scenario.Base}/receive-servers/{id}/test", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(fetch.GetProperty("ok").GetBoolean(), fetch.ToString());
        Assert.Single(await scenario.StoredAsync());
        Assert.True(test.GetProperty("ok").GetBoolean(), test.ToString());
        Assert.True(Step(test, "address_check").GetProperty("ok").GetBoolean());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AllowedNetworks_AllowListedRange_WithLoopbackOff(DatabaseProvider provider)
    {
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverAsync(user.Name, DovecotServer.SampleMessage($"{Guid.NewGuid():N}@example.test"));
        await using var scenario = await ReceivingScenario.StartAsync(provider, Settings(false, "127.0.0.1/32"));
        var id = await scenario.AddServerAsync(ReceivingScenario.Pop3(dovecot.Server, user, new { host = "127.0.0.1" }));

        var fetch = (await scenario.FetchNowAsync()).GetProperty("items")[0];
        var test = await (await scenario.Owner.PostAsync($"{scenario.Base}/receive-servers/{id}/test", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(fetch.GetProperty("ok").GetBoolean(), fetch.ToString());
        Assert.Single(await scenario.StoredAsync());
        Assert.True(test.GetProperty("ok").GetBoolean(), test.ToString());
    }

    [Fact]
    public async Task InvalidAllowedNetwork_StopsTheAppAtStart()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => MadoguchiApp.StartAsync(DatabaseProvider.Sqlite, Settings(false, "intranet"), setUp: false));

        Assert.Contains("Madoguchi:Network:AllowedNetworks", error.ToString(), StringComparison.Ordinal);
    }
}
