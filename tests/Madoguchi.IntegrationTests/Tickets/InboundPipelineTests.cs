using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Madoguchi.Core.Data;
using Madoguchi.Core.Tickets;
using Madoguchi.Testing.App;
using Madoguchi.Web.Cli;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Madoguchi.IntegrationTests.Tickets.TicketTestData;
using static Madoguchi.Testing.App.InboundMail;

namespace Madoguchi.IntegrationTests.Tickets;

/// <summary>The inbound pipeline end to end: originals stored as the fetcher stores them, processed by the running worker.</summary>
public sealed class InboundPipelineTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Threading_ReplyNamingMessageIdInSameInbox_JoinsTicket_OthersNever(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var otherInbox = await account.CreateInboxAsync();
        var first = Id();
        var original = await app.ReceiveAsync(inbox.Id, Eml(first, subject: "注文について", from: "taro@customer.example"));

        var byInReplyTo = await app.ReceiveAsync(inbox.Id, Eml(Id(), subject: "Re: 注文について", inReplyTo: first));
        var byReferences = await app.ReceiveAsync(inbox.Id, Eml(Id(), subject: "別件", references: $"<unknown@x.example> <{first}>"));
        var sameSubjectAndSender = await app.ReceiveAsync(inbox.Id, Eml(Id(), subject: "注文について", from: "taro@customer.example"));
        var replyInOtherInbox = await app.ReceiveAsync(otherInbox.Id, Eml(Id(), subject: "Re: 注文について", inReplyTo: first));
        var unknownReference = await app.ReceiveAsync(inbox.Id, Eml(Id(), subject: "Re: 注文について", inReplyTo: "nobody@nowhere.example"));

        Assert.Equal(original.TicketId, byInReplyTo.TicketId);
        Assert.Equal(original.TicketId, byReferences.TicketId);
        Assert.NotEqual(original.TicketId, sameSubjectAndSender.TicketId);
        Assert.NotEqual(original.TicketId, replyInOtherInbox.TicketId);
        Assert.NotEqual(original.TicketId, unknownReference.TicketId);
        var ticket = await app.WithDbAsync(db => db.Tickets.AsNoTracking().SingleAsync(t => t.Id == original.TicketId));
        Assert.Equal(3, ticket.MessageCount);
        Assert.Equal("注文について", ticket.Subject);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reply_ToClosedTicketInTrash_ReopensItInInbox(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var client = await account.SignInOwnerAsync();
        var first = Id();
        var original = await app.ReceiveAsync(inbox.Id, Eml(first));
        var patched = await client.PatchAsJsonAsync($"/api/v1/tickets/{original.TicketId}", new { status = "closed", place = "trash" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);

        var reply = await app.ReceiveAsync(inbox.Id, Eml(Id(), subject: "Re: お問い合わせ", inReplyTo: first));

        Assert.Equal(original.TicketId, reply.TicketId);
        Assert.Equal(TicketStatus.Open, reply.Status);
        Assert.Equal(TicketPlace.Inbox, reply.Place);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ServerFlaggedSpam_LandsInSpam_AutoReplyFlagsRecorded(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var client = await account.SignInOwnerAsync();

        var flag = await app.ReceiveAsync(inbox.Id, Eml(Id(), extraHeaders: "X-Spam-Flag: YES"));
        var status = await app.ReceiveAsync(inbox.Id, Eml(Id(), extraHeaders: "X-Spam-Status: Yes, score=9.1"));
        var clean = await app.ReceiveAsync(inbox.Id, Eml(Id(), extraHeaders: "X-Spam-Status: No, score=0.1"));
        var outOfOffice = await app.ReceiveAsync(inbox.Id, Eml(Id(), subject: "不在通知", extraHeaders: ["Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All", "Precedence: bulk"]));

        Assert.Equal(TicketPlace.Spam, flag.Place);
        Assert.Equal(TicketPlace.Spam, status.Place);
        Assert.Equal(TicketPlace.Inbox, clean.Place);
        var ticket = await client.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{outOfOffice.TicketId}");
        var autoReply = ticket!["messages"]![0]!["autoReply"]!;
        Assert.True(autoReply["automatic"]!.GetValue<bool>());
        Assert.Equal("auto-replied", autoReply["autoSubmitted"]!.GetValue<string>());
        var signals = autoReply["signals"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();
        Assert.Contains("autoSubmitted", signals);
        Assert.Contains("autoResponseSuppress", signals);
        Assert.Contains("precedenceBulk", signals);
        var spamList = await client.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox.Id}&place=spam");
        Assert.Equal(2, spamList!["total"]!.GetValue<int>());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task BrokenMessage_BecomesTicketMessageWithReadProblem_RawDownloadsByteIdentical(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var client = await account.SignInOwnerAsync();
        var bytes = Broken();

        var location = await app.ReceiveAsync(inbox.Id, bytes);

        var ticket = await client.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{location.TicketId}");
        var message = ticket!["messages"]![0]!;
        Assert.False(string.IsNullOrEmpty(message["readProblem"]?.GetValue<string>()));
        var raw = await client.GetAsync($"/api/v1/messages/{location.TicketMessageId}/raw");
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal("message/rfc822", raw.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", raw.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal(bytes, await raw.Content.ReadAsByteArrayAsync());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reprocess_OnStoredOriginals_ReplacesMessages_NoDuplicatesNoExtraStorage(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync("再処理");
        var first = Id();
        var a = await app.ReceiveAsync(inbox.Id, Eml(first));
        var b = await app.ReceiveAsync(inbox.Id, Eml(Id(), inReplyTo: first));
        var c = await app.ReceiveAsync(inbox.Id, HostileHtml(Id()));
        var before = await Snapshot(app, account.Id);

        var output = new StringWriter();
        var exit = await AdminCommandLine.Parse(["messages", "reprocess", "--inbox", inbox.Id.ToString()])!
            .RunAsync(app.Services, TextReader.Null, output, TextWriter.Null);
        var byName = await AdminCommandLine.Parse(["messages", "reprocess", "--inbox", "再処理"])!
            .RunAsync(app.Services, TextReader.Null, TextWriter.Null, TextWriter.Null);

        Assert.Equal(0, exit);
        Assert.Equal(0, byName);
        Assert.Contains("Reprocessed 3 message(s)", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("3 replaced, 0 new, 0 failed", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, await Snapshot(app, account.Id));
        Assert.Equal(a.TicketId, b.TicketId);
        Assert.NotEqual(a.TicketId, c.TicketId);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task StoredMessage_AddsItsSizeToAccountStorageUse(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var one = HostileHtml(Id());
        var two = System.Text.Encoding.UTF8.GetBytes(Eml(Id()));

        await app.ReceiveAsync(inbox.Id, one);
        var afterOne = await app.WithDbAsync(db => db.AccountStorageUsages.AsNoTracking().SingleAsync(u => u.AccountId == account.Id));
        await app.ReceiveAsync(inbox.Id, two);
        var afterTwo = await app.WithDbAsync(db => db.AccountStorageUsages.AsNoTracking().SingleAsync(u => u.AccountId == account.Id));

        Assert.Equal(one.LongLength, afterOne.Bytes);
        Assert.Equal(one.LongLength + two.LongLength, afterTwo.Bytes);
        Assert.Equal(2, afterTwo.MessageCount);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task LocateStoredMessage_SaysTicketPlaceAndStatus_OnlyForItsAccount(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var other = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var spamRaw = await app.StoreOriginalAsync(inbox.Id, System.Text.Encoding.UTF8.GetBytes(Eml(Id(), extraHeaders: "X-Spam-Flag: YES")));
        var spam = await app.WaitForPipelineAsync(spamRaw);

        var found = await app.WithDbAsync(db => new LocateStoredMessageQuery(db).HandleAsync(account.Id, [spamRaw], CancellationToken.None));
        var foreign = await app.WithDbAsync(db => new LocateStoredMessageQuery(db).HandleAsync(other.Id, [spamRaw], CancellationToken.None));

        var location = Assert.Single(found);
        Assert.Equal(spam.TicketId, location.TicketId);
        Assert.Equal(TicketPlace.Spam, location.Place);
        Assert.Equal(TicketStatus.Open, location.Status);
        Assert.Empty(foreign);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OneBatch_BrokenOriginalAmongOthers_OthersStoredAndThreaded_ErrorRecorded(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, new Dictionary<string, string?> { ["Madoguchi:InboundPipeline:RunWorker"] = "false" });
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var otherInbox = await account.CreateInboxAsync();
        var first = Id();
        var at = DateTime.UtcNow;
        var parent = await app.StoreOriginalAsync(inbox.Id, System.Text.Encoding.UTF8.GetBytes(Eml(first)), at);
        var broken = await app.StoreOriginalAsync(inbox.Id, System.Text.Encoding.UTF8.GetBytes(Eml(Id())), at.AddSeconds(1));
        var reply = await app.StoreOriginalAsync(inbox.Id, System.Text.Encoding.UTF8.GetBytes(Eml(Id(), inReplyTo: first)), at.AddSeconds(2));
        var elsewhere = await app.StoreOriginalAsync(otherInbox.Id, System.Text.Encoding.UTF8.GetBytes(Eml(Id(), inReplyTo: first)), at.AddSeconds(3));
        // The broken original's blob is gone: reading it fails, and only it may fail.
        await app.WithDbAsync(db => db.RawMessages.Where(r => r.Id == broken).ExecuteUpdateAsync(s => s.SetProperty(r => r.BlobHash, new string('0', 64))));

        var counts = await app.Services.GetRequiredService<Core.Receiving.Pipeline.InboundBatchRunner>()
            .RunAsync([parent, broken, reply, elsewhere], CancellationToken.None);

        Assert.Equal(new Core.Receiving.Pipeline.PipelineRunCounts(3, 3, 0, 1), counts);
        var located = await app.WithDbAsync(db => new LocateStoredMessageQuery(db).HandleAsync(account.Id, [parent, broken, reply, elsewhere], CancellationToken.None));
        var byRaw = located.ToDictionary(l => l.RawMessageId);
        Assert.Equal(byRaw[parent].TicketId, byRaw[reply].TicketId);
        Assert.NotEqual(byRaw[parent].TicketId, byRaw[elsewhere].TicketId);
        Assert.Null(byRaw[broken].TicketId);
        // Our words, never the exception's text (which can carry paths, SQL or mail content).
        Assert.Equal(Core.Receiving.Pipeline.PipelineFailureText.Describe(new FileNotFoundException()), byRaw[broken].ProcessingError);
        var usage = await app.WithDbAsync(db => db.AccountStorageUsages.AsNoTracking().SingleAsync(u => u.AccountId == account.Id));
        Assert.Equal(3, usage.MessageCount);
    }

    /// <summary>The search keys of a transaction's new messages are reserved with one query before its first message; a key
    /// already taken by another document is not reserved, and the message's document gets the next free key.</summary>
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SearchKeysReservedPerTransaction_KeyAlreadyTaken_DocumentGetsAFreeOne(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, new Dictionary<string, string?> { ["Madoguchi:InboundPipeline:RunWorker"] = "false" });
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var runner = app.Services.GetRequiredService<Core.Receiving.Pipeline.InboundBatchRunner>();
        var first = await app.StoreOriginalAsync(inbox.Id, System.Text.Encoding.UTF8.GetBytes(Eml(Id(), subject: "最初の問い合わせ")));
        Assert.Equal(1, (await runner.RunAsync([first], CancellationToken.None)).Created);
        var taken = await app.WithDbAsync(db => db.SearchDocuments.AsNoTracking().Join(db.TicketMessages, d => d.MessageId, m => m.Id, (d, m) => new { d.Key, m.RawMessageId })
            .Where(x => x.RawMessageId == first).Select(x => x.Key).SingleAsync());

        // A message id whose last 8 bytes (the search key's source) give the key the first document already holds.
        var bytes = Guid.NewGuid().ToByteArray();
        BitConverter.TryWriteBytes(bytes.AsSpan(8), taken);
        var colliding = new Guid(bytes);
        var second = await app.StoreOriginalAsync(inbox.Id, System.Text.Encoding.UTF8.GetBytes(Eml(Id(), subject: "二通目の問い合わせ")));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var pipeline = scope.ServiceProvider.GetRequiredService<Core.Receiving.Pipeline.InboundPipeline>();
            var raw = await scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>().RawMessages.AsNoTracking().SingleAsync(r => r.Id == second);
            var prepared = await pipeline.PrepareAsync([(raw, false)], CancellationToken.None);
            prepared[0].NewMessageId = colliding;
            await pipeline.StoreAsync(prepared, CancellationToken.None);
        }

        var documents = await app.WithDbAsync(db => db.SearchDocuments.AsNoTracking().Where(d => d.AccountId == account.Id).ToDictionaryAsync(d => d.MessageId, d => d.Key));
        Assert.Equal(2, documents.Count);
        Assert.True(documents.TryGetValue(colliding, out var secondKey), "The store step gave the new message the id chosen before the transaction's first message.");
        Assert.NotEqual(taken, secondKey);
        Assert.Contains(taken, documents.Values);
    }

    private static Task<string> Snapshot(MadoguchiApp app, Guid accountId) => app.WithDbAsync(async db =>
    {
        var tickets = await db.Tickets.AsNoTracking().Where(t => t.AccountId == accountId).OrderBy(t => t.Id)
            .Select(t => $"{t.Id}:{t.MessageCount}:{t.Status}:{t.Place}").ToListAsync();
        var messages = await db.TicketMessages.AsNoTracking().Where(m => m.AccountId == accountId).OrderBy(m => m.Id)
            .Select(m => $"{m.Id}:{m.TicketId}:{m.Attachments.Count}").ToListAsync();
        var attachments = await db.TicketAttachments.AsNoTracking().CountAsync();
        var usage = await db.AccountStorageUsages.AsNoTracking().Where(u => u.AccountId == accountId).Select(u => $"{u.Bytes}/{u.MessageCount}").SingleAsync();
        return string.Join("|", tickets) + "#" + string.Join("|", messages) + "#" + attachments + "#" + usage;
    });
}
