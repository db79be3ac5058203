using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;

namespace Madoguchi.IntegrationTests.Receiving;

public sealed class ErrorTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    private async Task<(string FetchCode, JsonElement Status, JsonElement Test)> RunAsync(DatabaseProvider provider, Func<MailboxUser, object> server)
    {
        var user = await dovecot.AddUniqueUserAsync();
        await dovecot.Server.DeliverAsync(user.Name, DovecotServer.SampleMessage($"{Guid.NewGuid():N}@example.test"));
        await using var scenario = await ReceivingScenario.StartAsync(provider);
        var id = await scenario.AddServerAsync(server(user));
        var fetch = await scenario.FetchNowAsync();
        var status = (await scenario.StatusAsync()).GetProperty("items")[0];
        var test = await (await scenario.Owner.PostAsync($"{scenario.Base}/receive-servers/{id}/test", null)).Content.ReadFromJsonAsync<JsonElement>();
        var item = fetch.GetProperty("items")[0];
        return (item.GetProperty("ok").GetBoolean() ? "ok" : item.GetProperty("error").GetProperty("code").GetString()!, status, test);
    }

    private static JsonElement Step(JsonElement test, string name) => test.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("step").GetString() == name);

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task WrongPassword_ReportsAuthenticationFailedInPlainWords(DatabaseProvider provider)
    {
        var (code, status, test) = await RunAsync(provider, u => ReceivingScenario.Imap(dovecot.Server, u, new { password = "wrong-password" }));

        Assert.Equal("authentication_failed", code);
        Assert.Equal("authentication_failed", status.GetProperty("lastError").GetProperty("code").GetString());
        Assert.Contains("パスワード", status.GetProperty("lastError").GetProperty("ja").GetString(), StringComparison.Ordinal);
        Assert.Contains("password", status.GetProperty("lastError").GetProperty("en").GetString(), StringComparison.Ordinal);
        Assert.False(test.GetProperty("ok").GetBoolean());
        Assert.True(Step(test, "tcp_connect").GetProperty("ok").GetBoolean());
        Assert.False(Step(test, "login").GetProperty("ok").GetBoolean());
        Assert.Contains("user name and password", Step(test, "login").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ClosedPort_ReportsConnectionRefused(DatabaseProvider provider)
    {
        var closed = FreePort.Get();
        var (code, status, test) = await RunAsync(provider, u => ReceivingScenario.Pop3(dovecot.Server, u, new { port = closed }));

        Assert.Equal("connection_refused", code);
        Assert.Contains("接続を拒否", status.GetProperty("lastError").GetProperty("ja").GetString(), StringComparison.Ordinal);
        Assert.True(Step(test, "name_lookup").GetProperty("ok").GetBoolean());
        Assert.False(Step(test, "tcp_connect").GetProperty("ok").GetBoolean());
        Assert.Contains("refused", Step(test, "tcp_connect").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task UntrustedCertificate_WithValidation_ReportsCertificateProblem(DatabaseProvider provider)
    {
        var (code, status, test) = await RunAsync(provider, u => ReceivingScenario.Imap(dovecot.Server, u, new { port = dovecot.Server.ImapsPort, security = "tls" }));

        Assert.Equal("certificate_untrusted", code);
        Assert.Contains("証明書", status.GetProperty("lastError").GetProperty("ja").GetString(), StringComparison.Ordinal);
        Assert.False(Step(test, "tls").GetProperty("ok").GetBoolean());
        Assert.Contains("certificate", Step(test, "tls").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task UntrustedCertificate_ValidationOff_FetchesOverTls(DatabaseProvider provider)
    {
        var (code, _, test) = await RunAsync(provider, u => ReceivingScenario.Pop3(dovecot.Server, u, new { port = dovecot.Server.Pop3sPort, security = "tls", validateCertificate = false }));

        Assert.Equal("ok", code);
        Assert.True(test.GetProperty("ok").GetBoolean(), test.ToString());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReceiveSettings_OnlyAdministratorsAndOwners(DatabaseProvider provider)
    {
        var user = await dovecot.AddUniqueUserAsync();
        await using var scenario = await ReceivingScenario.StartAsync(provider);
        var id = await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user));
        var operatorUser = await scenario.Account.AddActiveUserAsync();
        var other = await scenario.App.CreateAccountAsync();
        var stranger = await other.SignInOwnerAsync();
        var invisible = await scenario.App.SignInAsync(operatorUser.Email);
        var list = await scenario.Owner.GetFromJsonAsync<JsonElement>($"{scenario.Base}/receive-servers");

        Assert.Equal(HttpStatusCode.NotFound, (await invisible.GetAsync($"{scenario.Base}/receive-servers")).StatusCode);
        (await scenario.Owner.PutAsJsonAsync($"/api/v1/inboxes/{scenario.InboxId}/roles/{operatorUser.Id}", new { role = "operator" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Forbidden, (await invisible.GetAsync($"{scenario.Base}/receive-status")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"{scenario.Base}/receive-servers")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"{scenario.Base}/receive-servers/{id}")).StatusCode);
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.False(list.GetProperty("items")[0].TryGetProperty("password", out _));
        Assert.DoesNotContain(user.Password, list.ToString(), StringComparison.Ordinal);
        var bad = await scenario.Owner.PostAsJsonAsync($"{scenario.Base}/receive-servers", new { protocol = "smtp", host = "x", username = "u", password = "p" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var patched = await scenario.Owner.PatchAsJsonAsync($"{scenario.Base}/receive-servers/{id}", new { pollSeconds = 120, deleteAfterDays = (int?)null });
        Assert.Equal(120, (await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pollSeconds").GetInt32());
    }
}
