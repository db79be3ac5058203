using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Sending;

/// <summary>The app on one database with an account, its owner signed in, one inbox and one received customer mail
/// (its ticket); helpers to add send addresses, reply and wait for the outbox.</summary>
public sealed class SendingScenario : IAsyncDisposable
{
    private readonly bool ownsApp;

    private SendingScenario(MadoguchiApp app, TestAccount account, HttpClient owner, Guid inboxId, bool ownsApp)
    {
        App = app;
        Account = account;
        Owner = owner;
        InboxId = inboxId;
        this.ownsApp = ownsApp;
    }

    public MadoguchiApp App { get; }
    public TestAccount Account { get; }
    public HttpClient Owner { get; }
    public Guid InboxId { get; }

    public static Dictionary<string, string?> Settings(TimeSpan? retryFor = null) => new()
    {
        ["Madoguchi:Receiving:WorkerEnabled"] = "false",
        ["Madoguchi:Sending:PollInterval"] = "00:00:00.100",
        ["Madoguchi:Sending:FirstRetryDelay"] = "00:00:00.200",
        ["Madoguchi:Sending:MaxRetryDelay"] = "00:00:00.400",
        ["Madoguchi:Sending:RetryFor"] = (retryFor ?? TimeSpan.FromHours(24)).ToString("c", CultureInfo.InvariantCulture),
        ["Madoguchi:Sending:Timeout"] = "00:00:10",
        ["Madoguchi:Sending:LeaseDuration"] = "00:00:30",
    };

    /// <summary><see cref="Settings"/> with the outbox worker off and one connection slot: the test drives the passes
    /// (<see cref="RunOutboxPassAsync"/>), so that its messages go in one pass of one slot.</summary>
    public static Dictionary<string, string?> HandDrivenSettings()
    {
        var settings = Settings();
        settings["Madoguchi:Sending:WorkerEnabled"] = "false";
        settings["Madoguchi:Sending:MaxParallel"] = "1";
        return settings;
    }

    public static async Task<SendingScenario> StartAsync(DatabaseProvider provider, IDictionary<string, string?>? settings = null) =>
        await OnAsync(await MadoguchiApp.StartAsync(provider, settings ?? Settings()), ownsApp: true);

    public static async Task<SendingScenario> OnAsync(MadoguchiApp app, bool ownsApp = false)
    {
        var account = await app.CreateAccountAsync();
        var owner = await account.SignInOwnerAsync();
        var inbox = await account.CreateInboxAsync();
        return new SendingScenario(app, account, owner, inbox.Id, ownsApp);
    }

    /// <summary>A scenario whose inbox sends through Postfix's relay as a fresh support mailbox, with a fresh customer
    /// mailbox to write to.</summary>
    public static async Task<(SendingScenario Scenario, MailboxUser Customer, MailboxUser Support)> StartRelayingAsync(DatabaseProvider provider, PostfixFixture mail)
    {
        var s = await StartAsync(provider);
        var customer = await mail.AddUniqueUserAsync("customer");
        var support = await mail.AddUniqueUserAsync("support");
        await s.AddSendAddressAsync(Relay(mail.Postfix, PostfixFixture.AddressOf(support)));
        return (s, customer, support);
    }

    public string Base => $"/api/v1/inboxes/{InboxId}/send-addresses";

    /// <summary>A send address through Postfix's relay port: no TLS, no authentication.</summary>
    public static object Relay(PostfixServer postfix, string address = "support@mail.test", object? overrides = null) =>
        Merge(new { address, displayName = "サポート窓口", isDefault = true, host = postfix.Host, port = postfix.Smtp.Port, security = "none", authentication = "none" }, overrides);

    public static object Merge(object body, object? overrides)
    {
        var result = JsonSerializer.SerializeToElement(body).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        if (overrides is not null)
            foreach (var p in JsonSerializer.SerializeToElement(overrides).EnumerateObject())
                result[p.Name] = p.Value.Clone();
        return result;
    }

    public async Task<Guid> AddSendAddressAsync(object body)
    {
        var response = await Owner.PostAsJsonAsync(Base, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>A customer mail received into the inbox; returns its ticket.</summary>
    public async Task<Guid> ReceiveCustomerMailAsync(string messageId, string from = "customer@mail.test", params string[] extraHeaders)
    {
        var location = await App.ReceiveAsync(InboxId, InboundMail.Eml(messageId, subject: "注文について", from: from, extraHeaders: extraHeaders));
        return location.TicketId!.Value;
    }

    /// <summary>A user of the account with this role on the inbox, signed in.</summary>
    public async Task<(Guid UserId, HttpClient Client)> MemberAsync(string role)
    {
        var user = await Account.AddActiveUserAsync(Owner, "役割", role);
        await (await Owner.PutAsJsonAsync($"/api/v1/inboxes/{InboxId}/roles/{user.Id}", new { role })).AssertStatusAsync(HttpStatusCode.NoContent);
        return (user.Id, await App.SignInAsync(user.Email));
    }

    public Task<JsonElement> ReplyAsync(Guid ticketId, object body, HttpStatusCode expected = HttpStatusCode.Accepted) => ReplyAsAsync(Owner, ticketId, body, expected);

    /// <summary>Queues <paramref name="count"/> replies ("Reply 0", "Reply 1", …) on the ticket; returns their message ids in order.</summary>
    public async Task<List<Guid>> QueueRepliesAsync(Guid ticketId, int count)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
            ids.Add((await ReplyAsync(ticketId, new { text = $"Reply {i}" })).GetProperty("id").GetGuid());
        return ids;
    }

    /// <summary>One pass of the outbox worker, driven by hand (for apps started with the worker off).</summary>
    public Task<bool> RunOutboxPassAsync() =>
        App.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<OutboxWorker>().Single().PassAsync(CancellationToken.None);

    public async Task<JsonElement> ReplyAsAsync(HttpClient client, Guid ticketId, object body, HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/replies", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> MessageAsync(Guid ticketId, Guid messageId)
    {
        var ticket = await (await Owner.GetAsync($"/api/v1/tickets/{ticketId}")).ReadAsync<JsonElement>();
        return ticket.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == messageId);
    }

    /// <summary>Waits until the outbox row satisfies <paramref name="done"/>; returns it.</summary>
    public async Task<OutgoingMessage> WaitForOutboxAsync(Guid messageId, Func<OutgoingMessage, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var row = await App.WithDbAsync(db => db.OutgoingMessages.AsNoTracking().SingleAsync(o => o.TicketMessageId == messageId));
            if (done(row))
                return row;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Outbox message {messageId} is still {row.State} (attempts {row.Attempts}, error {row.ErrorCode} {row.ServerReply}).");
            await Task.Delay(50);
        }
    }

    public Task<OutgoingMessage> WaitUntilSettledAsync(Guid messageId) =>
        WaitForOutboxAsync(messageId, o => o.State is SendState.Sent or SendState.Failed);

    public async ValueTask DisposeAsync()
    {
        Owner.Dispose();
        if (ownsApp)
            await App.DisposeAsync();
    }
}
