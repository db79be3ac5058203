using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Sending;
using Madoguchi.Testing.App;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Sending;

/// <summary>What the reply box and the ticket's send-state polling read (<see cref="GetReplyDefaultsQuery"/>,
/// <see cref="GetSendStatesQuery"/>): the customer to answer, the From addresses with the default first, the states of
/// the ticket's sent messages; who may read them. The outbox worker is off, so a reply stays 送信待ち.</summary>
public sealed class ReplyBoxQueriesTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReplyDefaults_ToIsReplyTo_DefaultFromFirst_AssistantNeedsApproval_OtherAccountRefused(DatabaseProvider provider)
    {
        await using var w = await World.StartAsync(provider);

        var defaults = await w.RunAsync<GetReplyDefaultsQuery, Result<ReplyDefaultsView>>(q => q.HandleAsync(w.Owner, w.TicketId, default));

        Assert.True(defaults.Succeeded, defaults.Error?.Message);
        Assert.Equal(["sales@mail.test", "support@mail.test"], defaults.Value!.From.Select(f => f.Address));
        Assert.True(defaults.Value.From[0].IsDefault);
        var to = Assert.Single(defaults.Value.To);
        Assert.Equal(("お客様", "customer@example.com"), (to.Name, to.Address));
        Assert.Equal((false, true), (defaults.Value.NeedsApproval, defaults.Value.CanApprove));
        var assistant = await w.RunAsync<GetReplyDefaultsQuery, Result<ReplyDefaultsView>>(q => q.HandleAsync(w.Assistant, w.TicketId, default));
        Assert.True(assistant.Succeeded, assistant.Error?.Message);
        Assert.Equal((true, false), (assistant.Value!.NeedsApproval, assistant.Value.CanApprove));
        var stranger = await w.RunAsync<GetReplyDefaultsQuery, Result<ReplyDefaultsView>>(q => q.HandleAsync(w.Stranger, w.TicketId, default));
        Assert.Equal("not_found", stranger.Error?.Code);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SendStates_QueuedThenCancelled_AssistantReads_OtherAccountRefused(DatabaseProvider provider)
    {
        await using var w = await World.StartAsync(provider);
        var response = await w.Api.PostAsJsonAsync($"/api/v1/tickets/{w.TicketId}/replies", new { text = "ありがとうございます。" });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var messageId = JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();

        var queued = await w.RunAsync<GetSendStatesQuery, Result<IReadOnlyDictionary<Guid, OutboxStatus.Entry>>>(q => q.HandleAsync(w.Assistant, w.TicketId, default));
        Assert.True(queued.Succeeded, queued.Error?.Message);
        Assert.Equal("queued", Assert.Single(queued.Value!, e => e.Key == messageId).Value.State);
        var cancelled = await w.RunAsync<CancelSendCommand, Result<SentMessageView>>(c => c.HandleAsync(w.Owner, messageId, default));
        Assert.True(cancelled.Succeeded, cancelled.Error?.Message);
        var after = await w.RunAsync<GetSendStatesQuery, Result<IReadOnlyDictionary<Guid, OutboxStatus.Entry>>>(q => q.HandleAsync(w.Owner, w.TicketId, default));
        Assert.Equal("cancelled", after.Value![messageId].State);
        var stranger = await w.RunAsync<GetSendStatesQuery, Result<IReadOnlyDictionary<Guid, OutboxStatus.Entry>>>(q => q.HandleAsync(w.Stranger, w.TicketId, default));
        Assert.Equal("not_found", stranger.Error?.Code);
    }

    /// <summary>An account with two send addresses (the second one default), a customer ticket whose mail has a Reply-To,
    /// an アシスタント of the inbox, and the owner of another account.</summary>
    private sealed class World : IAsyncDisposable
    {
        public required MadoguchiApp App { get; init; }
        public required HttpClient Api { get; init; }
        public required Guid TicketId { get; init; }
        public required Actor Owner { get; init; }
        public required Actor Assistant { get; init; }
        public required Actor Stranger { get; init; }

        public static async Task<World> StartAsync(DatabaseProvider provider)
        {
            var settings = SendingScenario.Settings();
            settings["Madoguchi:Sending:WorkerEnabled"] = "false";
            var app = await MadoguchiApp.StartAsync(provider, settings);
            var account = await app.CreateAccountAsync();
            var api = await account.SignInOwnerAsync();
            var inbox = await account.CreateInboxAsync();
            foreach (var (address, isDefault) in new[] { ("support@mail.test", false), ("sales@mail.test", true) })
                (await api.PostAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/send-addresses",
                    new { address, isDefault, host = "127.0.0.1", port = 2525, security = "none", authentication = "none" })).EnsureSuccessStatusCode();
            var ticket = await app.ReceiveAsync(inbox.Id, InboundMail.Eml($"{Guid.NewGuid():N}@example.com", from: "form@example.com",
                extraHeaders: "Reply-To: お客様 <customer@example.com>"));
            var assistant = await account.AddActiveUserAsync(api, "佐藤", "一郎");
            await app.WithDbAsync(db =>
            {
                db.InboxRoles.Add(new InboxRoleAssignment { InboxId = inbox.Id, UserId = assistant.Id, Role = InboxRole.Assistant });
                return db.SaveChangesAsync();
            });
            var other = await app.CreateAccountAsync();
            return new World
            {
                App = app,
                Api = api,
                TicketId = ticket.TicketId!.Value,
                Owner = Actor.User(account.Owner.Id, account.Id, account.Owner.Email, null),
                Assistant = Actor.User(assistant.Id, account.Id, assistant.Email, null),
                Stranger = Actor.User(other.Owner.Id, other.Id, other.Owner.Email, null),
            };
        }

        public async Task<TResult> RunAsync<THandler, TResult>(Func<THandler, Task<TResult>> action) where THandler : notnull
        {
            await using var scope = App.Services.CreateAsyncScope();
            return await action(scope.ServiceProvider.GetRequiredService<THandler>());
        }

        public async ValueTask DisposeAsync()
        {
            Api.Dispose();
            await App.DisposeAsync();
        }
    }
}
