using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets.Reads;
using Madoguchi.Testing.App;
using static Madoguchi.IntegrationTests.Tickets.TicketTestData;

namespace Madoguchi.IntegrationTests.Tickets;

/// <summary>The list's marks: unread is per person (opened since the newest message or not), the paper-clip only for a
/// real attachment (an inline image of the HTML body does not count).</summary>
public sealed class TicketListMarksTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task List_UnreadIsPerPerson_AndComesBackWithANewMessage(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync("サポート");
        var owner = await account.SignInOwnerAsync();
        var member = await account.AddActiveUserAsync(owner, "鈴木", "次郎");
        await app.WithDbAsync(db =>
        {
            db.InboxRoles.Add(new InboxRoleAssignment { InboxId = inbox.Id, UserId = member.Id, Role = InboxRole.Operator });
            return db.SaveChangesAsync();
        });
        var first = Id();
        var withFiles = await app.ReceiveAsync(inbox.Id, HostileHtml(first), DateTime.UtcNow.AddMinutes(-10));
        var t1 = withFiles.TicketId!.Value;
        var plain = await app.ReceiveAsync(inbox.Id, Madoguchi.Testing.App.InboundMail.Eml(Id(), subject: "配送について"), DateTime.UtcNow.AddMinutes(-10));
        var t2 = plain.TicketId!.Value;
        // The owner opened the first ticket (MarkTicketReadCommand when the ticket screen shows it).
        await app.WithDbAsync(db =>
        {
            db.TicketReads.Add(new TicketRead { TicketId = t1, UserId = account.Owner.Id, ReadAt = DateTime.UtcNow.AddMinutes(-5) });
            return db.SaveChangesAsync();
        });
        var memberClient = await app.SignInAsync(member.Email);

        var mine = await ItemsAsync(owner, inbox.Id);
        var theirs = await ItemsAsync(memberClient, inbox.Id);
        await app.ReceiveAsync(inbox.Id, Madoguchi.Testing.App.InboundMail.Eml(Id(), subject: "Re: HTML mail", inReplyTo: first), DateTime.UtcNow);
        var afterReply = await ItemsAsync(owner, inbox.Id);

        Assert.False(mine[t1]["unread"]!.GetValue<bool>());
        Assert.True(mine[t2]["unread"]!.GetValue<bool>());
        Assert.True(theirs[t1]["unread"]!.GetValue<bool>());
        Assert.True(mine[t1]["hasAttachments"]!.GetValue<bool>());
        Assert.False(mine[t2]["hasAttachments"]!.GetValue<bool>());
        Assert.True(afterReply[t1]["unread"]!.GetValue<bool>());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task List_ShowsEveryLabelOfEachTicket_InOrder(DatabaseProvider provider)
    {
        // The page reads a ticket's labels as one text the database joins (string_agg / group_concat), not as a collection.
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync("サポート");
        var owner = await account.SignInOwnerAsync();
        var labels = new List<Guid>();
        foreach (var name in new[] { "請求", "返品", "至急" })
        {
            var created = await (await owner.PostAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/labels", new { name, color = "#1e88e5" })).ReadAsync<JsonObject>();
            labels.Add(created["id"]!.GetValue<Guid>());
        }
        var three = (await app.ReceiveAsync(inbox.Id, Madoguchi.Testing.App.InboundMail.Eml(Id(), subject: "三つ"))).TicketId!.Value;
        var one = (await app.ReceiveAsync(inbox.Id, Madoguchi.Testing.App.InboundMail.Eml(Id(), subject: "一つ"))).TicketId!.Value;
        var none = (await app.ReceiveAsync(inbox.Id, Madoguchi.Testing.App.InboundMail.Eml(Id(), subject: "なし"))).TicketId!.Value;
        foreach (var (ticket, add) in new[] { (three, labels.ToArray()), (one, new[] { labels[1] }) })
        {
            var result = await (await owner.PostAsJsonAsync("/api/v1/tickets/bulk", new { ticketIds = new[] { ticket }, addLabelIds = add })).ReadAsync<JsonObject>();
            Assert.All(result["items"]!.AsArray(), item => Assert.True(item!["succeeded"]!.GetValue<bool>(), item.ToJsonString()));
        }

        var listed = await ItemsAsync(owner, inbox.Id);
        Guid[] LabelsOf(Guid ticket) => [.. listed[ticket]["labelIds"]!.AsArray().Select(x => x!.GetValue<Guid>())];
        Assert.Equal(labels.Order(), LabelsOf(three));
        Assert.Equal([labels[1]], LabelsOf(one));
        Assert.Empty(LabelsOf(none));
        // A label tab lists the ticket with all of its labels too.
        var tab = (await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox.Id}&label={labels[2]}"))!["items"]!.AsArray();
        Assert.Equal(labels.Order(), tab.Single()!["labelIds"]!.AsArray().Select(x => x!.GetValue<Guid>()));
    }

    private static async Task<Dictionary<Guid, JsonObject>> ItemsAsync(HttpClient client, Guid inboxId) =>
        (await client.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inboxId}"))!["items"]!.AsArray()
            .Select(x => x!.AsObject()).ToDictionary(x => x["id"]!.GetValue<Guid>());
}
