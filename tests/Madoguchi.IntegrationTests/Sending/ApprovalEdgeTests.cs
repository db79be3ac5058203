using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Bounces;
using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets.History;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Madoguchi.IntegrationTests.Sending;

/// <summary>The edges of 承認: a reply sent back (差し戻し) is edited by its author and submitted again (承認待ち again, then
/// sent as edited), nobody else may do it; approving re-checks recipients that hard-bounced since (the approver gets the
/// 409 and can confirm).</summary>
public sealed class ApprovalEdgeTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RejectedReply_AuthorEditsAndResubmits_AwaitsApprovalAgain_ThenSentAsEdited_OthersRefused(DatabaseProvider provider)
    {
        await using var sink = await SmtpSinkServer.StartNewAsync(dump: true);
        await using var s = await SendingScenario.StartAsync(provider);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = sink.Port, security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync($"resubmit-{provider}@example.com");
        var (assistantId, assistant) = await s.MemberAsync("assistant");
        var (_, otherAssistant) = await s.MemberAsync("assistant");
        var (managerId, manager) = await s.MemberAsync("manager");
        // With an attachment: the resubmitted reply still carries it.
        var upload = (await UploadClient.UploadAsync(assistant, ("返金規定.txt", "text/plain", System.Text.Encoding.UTF8.GetBytes("返金規定"))))[0];
        var messageId = (await s.ReplyAsAsync(assistant, ticketId, new { text = "返金します。", attachmentIds = new[] { upload } })).GetProperty("id").GetGuid();
        var edit = new { text = "返金の条件をご案内します。", to = new[] { "顧客 <customer@mail.test>" }, cc = new[] { "boss@mail.test" } };

        // Not sent back yet: nothing to resubmit.
        await (await assistant.PatchAsJsonAsync($"/api/v1/messages/{messageId}", edit)).AssertProblemAsync(HttpStatusCode.Conflict, "not_rejected");
        await (await manager.PostAsJsonAsync($"/api/v1/messages/{messageId}/reject", new { comment = "条件を書いてください。" })).AssertStatusAsync(HttpStatusCode.OK);
        // Another アシスタント (and even the manager) cannot edit the author's reply.
        await (await otherAssistant.PatchAsJsonAsync($"/api/v1/messages/{messageId}", edit)).AssertProblemAsync(HttpStatusCode.Forbidden, "not_reply_author");
        await (await manager.PatchAsJsonAsync($"/api/v1/messages/{messageId}", edit)).AssertProblemAsync(HttpStatusCode.Forbidden, "not_reply_author");
        await (await assistant.PatchAsJsonAsync($"/api/v1/messages/{messageId}", new { text = "x", to = new[] { "not an address" } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "address_invalid");

        var resubmitted = await (await assistant.PatchAsJsonAsync($"/api/v1/messages/{messageId}", edit)).ReadAsync<JsonElement>();

        Assert.Equal("awaitingApproval", resubmitted.GetProperty("sendState").GetString());
        Assert.Equal(messageId, resubmitted.GetProperty("id").GetGuid());
        var shown = await s.MessageAsync(ticketId, messageId);
        Assert.Equal("awaitingApproval", shown.GetProperty("sendState").GetString());
        Assert.Equal("返金の条件をご案内します。", shown.GetProperty("text").GetString());
        // Like 承認 and 差し戻し, the resubmission is in the audit log and in the ticket's history, under its author.
        var resubmittedEntry = Assert.Single(await s.App.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.Action == AuditAction.ReplyResubmitted && e.AccountId == s.Account.Id).ToListAsync()));
        Assert.Contains(messageId.ToString(), resubmittedEntry.Detail, StringComparison.Ordinal);
        Assert.Equal(assistantId, resubmittedEntry.ActorUserId);
        var replyLines = await s.App.WithDbAsync(db => db.TicketHistory.AsNoTracking().Where(h => h.TicketId == ticketId && h.Field == TicketChangeField.Reply)
            .OrderBy(h => h.Id).Select(h => new { h.ActorUserId, h.From, h.To }).ToListAsync());
        Assert.Equal([(managerId, "AwaitingApproval", "Rejected"), (assistantId, "Rejected", "AwaitingApproval")],
            replyLines.Select(l => (l.ActorUserId, l.From, l.To)));
        // Submitted once: a second PATCH finds it waiting, not sent back.
        await (await assistant.PatchAsJsonAsync($"/api/v1/messages/{messageId}", edit)).AssertProblemAsync(HttpStatusCode.Conflict, "not_rejected");
        Assert.Equal(0, sink.CountDumpedMessages());

        await (await manager.PostAsync($"/api/v1/messages/{messageId}/approve", null)).AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(SendState.Sent, (await s.WaitUntilSettledAsync(messageId)).State);
        var dumped = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(sink.DumpDirectory, "*", SearchOption.AllDirectories)));
        Assert.Contains("boss@mail.test", dumped, StringComparison.Ordinal);
        var original = await s.App.WithDbAsync(db => db.OutgoingMessages.AsNoTracking().SingleAsync(o => o.TicketMessageId == messageId));
        await using (var scope = s.App.Services.CreateAsyncScope())
        await using (var stream = scope.ServiceProvider.GetRequiredService<IBlobStore>().OpenRead(original.BlobHash))
        {
            var mime = await MimeMessage.LoadAsync(stream);
            Assert.Equal("返金の条件をご案内します。", mime.TextBody?.Trim());
            Assert.Equal(["boss@mail.test"], mime.Cc.Mailboxes.Select(m => m.Address));
            var attachment = Assert.Single(mime.Attachments.OfType<MimePart>());
            Assert.Equal("返金規定.txt", attachment.FileName);
        }
        Assert.Equal(2, original.Recipients.Split('\n').Length);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Approve_RecipientHardBouncedSinceWriting_ApproverWarnedWith409_ConfirmsThenQueued(DatabaseProvider provider)
    {
        await using var sink = await SmtpSinkServer.StartNewAsync(dump: true);
        await using var s = await SendingScenario.StartAsync(provider);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = sink.Port, security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync($"approve-bounce-{provider}@example.com", "gone@example.com");
        var (_, assistant) = await s.MemberAsync("assistant");
        var (_, manager) = await s.MemberAsync("manager");
        var messageId = (await s.ReplyAsAsync(assistant, ticketId, new { text = "ご確認ください。" })).GetProperty("id").GetGuid();
        // The address hard-bounces while the reply waits for approval.
        await s.App.WithDbAsync(async db =>
        {
            db.Set<HardBouncedAddress>().Add(new HardBouncedAddress { AccountId = s.Account.Id, Address = "gone@example.com", Status = "5.1.1", Reason = "userunknown", LastBouncedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });

        var refused = await (await manager.PostAsync($"/api/v1/messages/{messageId}/approve", null)).ReadAsync<JsonElement>(HttpStatusCode.Conflict);

        Assert.Equal(QueueReplyCommand.HardBouncedCode, refused.GetProperty("code").GetString());
        Assert.Equal("gone@example.com", Assert.Single(refused.GetProperty("recipients").EnumerateArray()).GetProperty("address").GetString());
        Assert.Equal(SendState.AwaitingApproval, (await s.WaitForOutboxAsync(messageId, _ => true)).State);

        var approved = await (await manager.PostAsJsonAsync($"/api/v1/messages/{messageId}/approve", new { confirmHardBounced = true })).ReadAsync<JsonElement>();

        Assert.Contains(approved.GetProperty("sendState").GetString(), new[] { "queued", "sending", "sent" });
        Assert.Equal("gone@example.com", Assert.Single(approved.GetProperty("hardBouncedRecipients").EnumerateArray()).GetProperty("address").GetString());
        Assert.Equal(SendState.Sent, (await s.WaitUntilSettledAsync(messageId)).State);
        Assert.Equal(1, sink.CountDumpedMessages());
    }
}
