using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MailKit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.IntegrationTests.Sending;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using static Madoguchi.IntegrationTests.Storage.StorageTestData;
using static Madoguchi.IntegrationTests.Storage.StorageUseTests;

namespace Madoguchi.IntegrationTests.Storage;

/// <summary>Sending never stops because of storage (the seed's promise): an account over its limit still sends through a
/// real Postfix, and the sent original counts toward its use like a received one, once.</summary>
public sealed class SendingOverLimitTests(PostfixFixture mail) : IClassFixture<PostfixFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReplyQueued_WhileOverTheLimit_IsDeliveredThroughPostfix_AndTheSentOriginalIsCountedOnce(DatabaseProvider provider)
    {
        var app = await MadoguchiApp.StartAsync(provider, StorageLimitMb(1, SendingScenario.Settings()));
        await using var s = await SendingScenario.OnAsync(app, ownsApp: true);
        var customer = await mail.AddUniqueUserAsync("customer");
        var support = await mail.AddUniqueUserAsync("support");
        var accountId = await app.WithDbAsync(db => db.Inboxes.Where(i => i.Id == s.InboxId).Select(i => i.AccountId).SingleAsync());
        await s.AddSendAddressAsync(SendingScenario.Relay(mail.Postfix, PostfixFixture.AddressOf(support)));
        var ticketId = await s.ReceiveCustomerMailAsync($"over-{provider}-{Guid.NewGuid():N}@example.com", PostfixFixture.AddressOf(customer));
        var big = WithAttachment(Id(), new byte[(int)Mb + 1]);
        await app.ReceiveAsync(s.InboxId, big);
        Assert.Equal("over", (await StatusAsync(s.Owner))["level"]!.GetValue<string>());
        var before = await UsageAsync(app, accountId);

        var queued = await s.ReplyAsync(ticketId, new { text = "容量超過中でも返信は届きます。", statusAfter = "closed" });

        var messageId = queued.GetProperty("id").GetGuid();
        var row = await s.WaitUntilSettledAsync(messageId);
        Assert.Equal(SendState.Sent, row.State);
        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));
        using (var imap = await mail.Dovecot.ConnectImapAsync(customer.Name))
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            Assert.Equal(1, imap.Inbox.Count);
            var delivered = await imap.Inbox.GetMessageAsync(0);
            Assert.Equal(queued.GetProperty("messageId").GetString(), delivered.MessageId);
            Assert.Contains("容量超過中でも返信は届きます。", delivered.TextBody, StringComparison.Ordinal);
        }
        // The sent original is counted once, the recount agrees, and the banner still says "over".
        Assert.Equal((before.Bytes + row.Size, before.Originals + 1), await UsageAsync(app, accountId));
        var (verifyExit, report) = await RunAsync(app, "storage", "verify");
        Assert.True(verifyExit == 0, report);
        Assert.Equal("over", (await StatusAsync(s.Owner))["level"]!.GetValue<string>());
        // The operator's disk view holds the sent original too.
        var operatorClient = await app.SignInOperatorAsync();
        var disk = await operatorClient.GetFromJsonAsync<JsonObject>($"/api/v1/operator/accounts/{accountId}/storage");
        Assert.Equal(before.Bytes + row.Size, disk!["originalBlobBytes"]!.GetValue<long>());

        // Deleting the ticket releases the received and the sent original at once.
        (await s.Owner.DeleteAsync($"/api/v1/tickets/{ticketId}")).EnsureSuccessStatusCode();
        Assert.Equal((big.LongLength, 1L), await UsageAsync(app, accountId));
    }
}
