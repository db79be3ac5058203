using System.Net;
using Madoguchi.Core.Data;
using Madoguchi.Core.Storage;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Madoguchi.IntegrationTests.Storage.StorageTestData;

namespace Madoguchi.IntegrationTests.Retention;

/// <summary>Deleting an inbox that holds mail deletes its tickets for good, as a ticket's delete does: the storage use drops
/// at once, blobs nothing else uses go, and the answer is never a 500.</summary>
public sealed class InboxDeleteTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task DeleteInbox_HoldingReceivedMail_DeletesItsTicketsAndOriginals_UseDropsAtOnce(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var kept = await account.CreateInboxAsync();
        var doomed = await account.CreateInboxAsync();
        var owner = await account.SignInOwnerAsync();
        var own = new byte[2000];
        Random.Shared.NextBytes(own);
        var stays = await app.ReceiveAsync(kept.Id, WithAttachment(Id(), [1, 2, 3]));
        var gone = await app.ReceiveAsync(doomed.Id, WithAttachment(Id(), own));
        await app.ReceiveAsync(doomed.Id, WithAttachment(Id(), own, "again.pdf"));
        var usageBefore = await Storage.StorageUseTests.UsageAsync(app, account.Id);
        var blobs = app.Services.GetRequiredService<IBlobStore>();
        var goneHash = await app.WithDbAsync(db => db.RawMessages.AsNoTracking().Where(r => r.Id == gone.RawMessageId).Select(r => r.BlobHash).SingleAsync());

        var response = await owner.DeleteAsync($"/api/v1/inboxes/{doomed.Id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.Tickets.CountAsync(t => t.InboxId == doomed.Id)));
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/v1/tickets/{stays.TicketId}")).StatusCode);
        var usageAfter = await Storage.StorageUseTests.UsageAsync(app, account.Id);
        Assert.True(usageAfter.Bytes < usageBefore.Bytes, $"{usageBefore} → {usageAfter}");
        Assert.False(blobs.Exists(goneHash));
        Assert.False(blobs.Exists(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(own))));
    }
}
