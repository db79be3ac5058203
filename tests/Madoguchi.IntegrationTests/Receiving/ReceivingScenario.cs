using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Storage;
using Madoguchi.Core.Storage;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Receiving;

/// <summary>The app on one database with an account, its owner signed in and one inbox; helpers to add receive servers
/// pointing at the test Dovecot, fetch through the API and check what was stored.</summary>
public sealed class ReceivingScenario : IAsyncDisposable
{
    private ReceivingScenario(MadoguchiApp app, TestAccount account, HttpClient owner, Guid inboxId)
    {
        App = app;
        Account = account;
        Owner = owner;
        InboxId = inboxId;
    }

    public MadoguchiApp App { get; }
    public TestAccount Account { get; }
    public HttpClient Owner { get; }
    public Guid InboxId { get; }

    public static Dictionary<string, string?> Settings(bool worker = false, int batchSize = 50) => new()
    {
        ["Madoguchi:Receiving:WorkerEnabled"] = worker ? "true" : "false",
        ["Madoguchi:Receiving:BatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Madoguchi:Receiving:MinPollSeconds"] = "5",
        ["Madoguchi:Receiving:LeaseDuration"] = "00:00:10",
        ["Madoguchi:Receiving:Timeout"] = "00:00:20",
    };

    public static async Task<ReceivingScenario> StartAsync(DatabaseProvider provider, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var app = await MadoguchiApp.StartAsync(provider, settings ?? Settings(), services: services);
        return await OnAsync(app);
    }

    public static async Task<ReceivingScenario> OnAsync(MadoguchiApp app)
    {
        var account = await app.CreateAccountAsync();
        var owner = await account.SignInOwnerAsync();
        var created = await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "サポート窓口", colour = "#1e88e5" });
        created.EnsureSuccessStatusCode();
        var inbox = await created.Content.ReadFromJsonAsync<JsonElement>();
        return new ReceivingScenario(app, account, owner, inbox.GetProperty("id").GetGuid());
    }

    public string Base => $"/api/v1/inboxes/{InboxId}";

    public static object Imap(DovecotServer dovecot, MailboxUser user, object? overrides = null) =>
        Merge(new { protocol = "imap", host = dovecot.Host, port = dovecot.ImapPort, security = "none", validateCertificate = true, username = user.Name, password = user.Password, folders = new[] { "INBOX" }, pollSeconds = 5 }, overrides);

    public static object Pop3(DovecotServer dovecot, MailboxUser user, object? overrides = null) =>
        Merge(new { protocol = "pop3", host = dovecot.Host, port = dovecot.Pop3Port, security = "none", validateCertificate = true, username = user.Name, password = user.Password, leaveOnServer = true, deleteAfterDays = 14, pollSeconds = 5 }, overrides);

    private static Dictionary<string, JsonElement> Merge(object body, object? overrides)
    {
        var result = JsonSerializer.SerializeToElement(body).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        if (overrides is not null)
            foreach (var p in JsonSerializer.SerializeToElement(overrides).EnumerateObject())
                result[p.Name] = p.Value.Clone();
        return result;
    }

    public async Task<Guid> AddServerAsync(object body)
    {
        var response = await Owner.PostAsJsonAsync($"{Base}/receive-servers", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    public async Task<JsonElement> FetchNowAsync()
    {
        var response = await Owner.PostAsync($"{Base}/fetch", null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> StatusAsync()
    {
        var response = await Owner.GetAsync($"{Base}/receive-status");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public Task<List<RawMessage>> StoredAsync() =>
        App.WithDbAsync(db => db.RawMessages.AsNoTracking().Where(m => m.InboxId == InboxId).ToListAsync());

    /// <summary>Every original stored exactly once, with the same bytes, and nothing else.</summary>
    public async Task AssertStoredExactlyAsync(IReadOnlyList<byte[]> originals, IReadOnlyList<string>? messageIds = null)
    {
        var stored = await StoredAsync();
        var expected = originals.Select(TestMailbox.Sha256).ToList();
        Assert.Equal(expected.Distinct().Count(), stored.Count);
        Assert.Equal(stored.Count, stored.Select(m => m.BlobHash).Distinct().Count());
        Assert.Equal(expected.Distinct().Order(StringComparer.Ordinal), stored.Select(m => m.BlobHash).Order(StringComparer.Ordinal));
        if (messageIds is not null)
            Assert.Equal(messageIds.Order(StringComparer.Ordinal), stored.Select(m => m.MessageIdHeader!).Order(StringComparer.Ordinal));
        var blobs = App.Services.GetRequiredService<IBlobStore>();
        var byHash = originals.GroupBy(TestMailbox.Sha256).ToDictionary(g => g.Key, g => g.First());
        foreach (var message in stored)
        {
            await using var blob = blobs.OpenRead(message.BlobHash);
            using var copy = new MemoryStream();
            await blob.CopyToAsync(copy);
            Assert.Equal(byHash[message.BlobHash], copy.ToArray());
        }
    }

    public async ValueTask DisposeAsync()
    {
        Owner.Dispose();
        await App.DisposeAsync();
    }
}
