using System.Net.Http.Json;
using Madoguchi.Core.Data;
using Madoguchi.Core.Tickets.Live;
using Madoguchi.Testing.App;
using Microsoft.Extensions.DependencyInjection;
using static Madoguchi.IntegrationTests.Tickets.TicketTestData;
using static Madoguchi.Testing.App.InboundMail;

namespace Madoguchi.IntegrationTests.Tickets;

/// <summary>Two app instances on one PostgreSQL see each other's ticket changes, new mail and presence through the
/// database (LISTEN/NOTIFY), with no broker.</summary>
public sealed class LiveFeedTests
{
    [Fact]
    public async Task TwoInstancesOnPostgres_SeeEachOthersChangesNewMailAndPresence()
    {
        await using var first = await MadoguchiApp.StartAsync(DatabaseProvider.Postgres);
        await using var second = await MadoguchiApp.StartBesideAsync(first);
        var account = await first.CreateAccountAsync();
        var inbox = (await account.CreateInboxAsync()).Id;
        var owner = await account.SignInOwnerAsync();
        var ticket = (await first.ReceiveAsync(inbox, Eml(Id(), subject: "二台"))).TicketId!.Value;
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var mail = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var presence = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = second.Services.GetRequiredService<ITicketChangeFeed>().Subscribe(account.Id, change =>
        {
            if (change.Kind == TicketChangeKind.Changed && change.TicketId == ticket)
                changed.TrySetResult();
            if (change.Kind == TicketChangeKind.MessageAdded && change.TicketId != ticket)
                mail.TrySetResult();
            if (change.Kind == TicketChangeKind.Presence && change.TicketId == ticket)
                presence.TrySetResult();
        });

        // The second instance starts listening in the background: change the ticket until it has heard one.
        for (var i = 0; i < 60 && !changed.Task.IsCompleted; i++)
        {
            await owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { status = i % 2 == 0 ? "closed" : "open" });
            await Task.WhenAny(changed.Task, Task.Delay(500));
        }
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await first.StoreOriginalAsync(inbox, System.Text.Encoding.UTF8.GetBytes(Eml(Id(), subject: "新着")));
        await first.Services.GetRequiredService<TicketPresence>().EnterAsync(account.Id, inbox, ticket, account.Owner.Id, "窓口 太郎", "first-session");

        await mail.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await presence.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("窓口 太郎", Assert.Single(await second.Services.GetRequiredService<TicketPresence>().OnAsync(ticket)).Name);
    }
}
