using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Bounces;
using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.Core.Tickets;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Sending;

/// <summary>An アシスタント's reply waits for a マネージャー (承認待ち), who approves it (queued, sent, the ticket gets the status
/// its author chose) or sends it back with a comment; the reply's 保留 reason is applied; a recipient that hard-bounced
/// before is named before anything is queued.</summary>
public sealed class ApprovalTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AssistantReply_AwaitsApproval_ManagerApproves_ThenSentOnceWithChosenStatus(DatabaseProvider provider)
    {
        await using var sink = await SmtpSinkServer.StartNewAsync(dump: true);
        await using var s = await SendingScenario.StartAsync(provider);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = sink.Port, security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync($"approve-{provider}@example.com");
        var reason = await (await s.Owner.PostAsJsonAsync($"/api/v1/inboxes/{s.InboxId}/pending-reasons", new { name = "お客様の返事待ち" })).ReadAsync<JsonElement>();
        var reasonId = reason.GetProperty("id").GetGuid();
        var (_, assistant) = await s.MemberAsync("assistant");
        var (_, manager) = await s.MemberAsync("manager");

        var waiting = await s.ReplyAsAsync(assistant, ticketId, new { text = "確認いたします。", statusAfter = "pending", pendingReasonId = reasonId });

        Assert.Equal("awaitingApproval", waiting.GetProperty("sendState").GetString());
        var messageId = waiting.GetProperty("id").GetGuid();
        Assert.Equal("awaitingApproval", (await s.MessageAsync(ticketId, messageId)).GetProperty("sendState").GetString());
        Assert.Equal(TicketStatus.Open, await StatusAsync(s, ticketId));
        await (await assistant.PostAsync($"/api/v1/messages/{messageId}/approve", null)).AssertProblemAsync(HttpStatusCode.Forbidden, "inbox_role_too_low");

        var approved = await (await manager.PostAsync($"/api/v1/messages/{messageId}/approve", null)).ReadAsync<JsonElement>();

        Assert.Contains(approved.GetProperty("sendState").GetString(), new[] { "queued", "sending", "sent" });
        Assert.Equal(SendState.Sent, (await s.WaitUntilSettledAsync(messageId)).State);
        Assert.Equal(1, sink.CountDumpedMessages());
        var ticket = await s.App.WithDbAsync(db => db.Tickets.AsNoTracking().SingleAsync(t => t.Id == ticketId));
        Assert.Equal(TicketStatus.Pending, ticket.Status);
        Assert.Equal(reasonId, ticket.PendingReasonId);
        await (await manager.PostAsync($"/api/v1/messages/{messageId}/approve", null)).AssertProblemAsync(HttpStatusCode.Conflict, "not_awaiting_approval");
        Assert.Equal(1, await s.App.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == AuditAction.ReplyApproved && e.AccountId == s.Account.Id)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AssistantReply_ManagerSendsBack_NeverSent_CommentOnTicket_AuthorNotified(DatabaseProvider provider)
    {
        await using var sink = await SmtpSinkServer.StartNewAsync(dump: true);
        await using var s = await SendingScenario.StartAsync(provider);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = sink.Port, security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync($"reject-{provider}@example.com");
        var (assistantId, assistant) = await s.MemberAsync("assistant");
        var (_, manager) = await s.MemberAsync("manager");
        var messageId = (await s.ReplyAsAsync(assistant, ticketId, new { text = "返金します。" })).GetProperty("id").GetGuid();

        await (await manager.PostAsJsonAsync($"/api/v1/messages/{messageId}/reject", new { comment = " " })).AssertProblemAsync(HttpStatusCode.BadRequest, "comment_required");
        var rejected = await (await manager.PostAsJsonAsync($"/api/v1/messages/{messageId}/reject", new { comment = "返金の条件を確認してから書き直してください。" }))
            .ReadAsync<JsonElement>();

        Assert.Equal("rejected", rejected.GetProperty("sendState").GetString());
        await (await manager.PostAsync($"/api/v1/messages/{messageId}/approve", null)).AssertProblemAsync(HttpStatusCode.Conflict, "not_awaiting_approval");
        var comments = await (await assistant.GetAsync($"/api/v1/tickets/{ticketId}/comments")).ReadAsync<JsonElement>();
        Assert.Contains(comments.GetProperty("items").EnumerateArray(), c => c.GetProperty("body").GetString() == "返金の条件を確認してから書き直してください。");
        Assert.Equal(1, await s.App.WithDbAsync(db => db.Notifications.CountAsync(n => n.UserId == assistantId && n.TicketId == ticketId)));
        Assert.Equal(1, await s.App.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.Action == AuditAction.ReplyRejected && e.AccountId == s.Account.Id)));
        Assert.Equal(TicketStatus.Open, await StatusAsync(s, ticketId));
        // A later reply of the manager is sent: the worker has passed, and the rejected one stayed unsent.
        var later = (await s.ReplyAsAsync(manager, ticketId, new { text = "担当者から改めてご連絡します。" })).GetProperty("id").GetGuid();
        Assert.Equal(SendState.Sent, (await s.WaitUntilSettledAsync(later)).State);
        Assert.Equal(SendState.Rejected, (await s.WaitForOutboxAsync(messageId, _ => true)).State);
        Assert.Equal(1, sink.CountDumpedMessages());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reply_PendingWithReason_TicketPendingWithThatReason_AndForeignReasonRefused(DatabaseProvider provider)
    {
        await using var s = await SendingScenario.StartAsync(provider);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = FreePort.Get(), security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync($"reason-{provider}@example.com");
        var reasonId = (await (await s.Owner.PostAsJsonAsync($"/api/v1/inboxes/{s.InboxId}/pending-reasons", new { name = "社内確認中" })).ReadAsync<JsonElement>())
            .GetProperty("id").GetGuid();

        await s.ReplyAsync(ticketId, new { text = "Hello", statusAfter = "pending", pendingReasonId = Guid.NewGuid() }, HttpStatusCode.BadRequest);
        await s.ReplyAsync(ticketId, new { text = "Hello", statusAfter = "closed", pendingReasonId = reasonId }, HttpStatusCode.BadRequest);
        Assert.Equal(0, await s.App.WithDbAsync(db => db.OutgoingMessages.CountAsync()));
        await s.ReplyAsync(ticketId, new { text = "社内で確認しています。", statusAfter = "pending", pendingReasonId = reasonId });

        var ticket = await s.App.WithDbAsync(db => db.Tickets.AsNoTracking().SingleAsync(t => t.Id == ticketId));
        Assert.Equal(TicketStatus.Pending, ticket.Status);
        Assert.Equal(reasonId, ticket.PendingReasonId);
        var history = await s.App.WithDbAsync(db => db.TicketHistory.AsNoTracking().Where(h => h.TicketId == ticketId).Select(h => h.To).ToListAsync());
        Assert.Contains("社内確認中", history);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reply_ToHardBouncedAddress_RefusedNamingIt_UntilConfirmed(DatabaseProvider provider)
    {
        await using var s = await SendingScenario.StartAsync(provider);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = FreePort.Get(), security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync($"hard-{provider}@example.com", "gone@example.com");
        await s.App.WithDbAsync(async db =>
        {
            db.Set<HardBouncedAddress>().Add(new HardBouncedAddress { AccountId = s.Account.Id, Address = "gone@example.com", Status = "5.1.1", Reason = "userunknown", LastBouncedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });

        var refused = await s.ReplyAsync(ticketId, new { text = "Hello", cc = new[] { "fine@example.com" } }, HttpStatusCode.Conflict);

        Assert.Equal(QueueReplyCommand.HardBouncedCode, refused.GetProperty("code").GetString());
        var named = Assert.Single(refused.GetProperty("recipients").EnumerateArray());
        Assert.Equal("gone@example.com", named.GetProperty("address").GetString());
        Assert.Equal("userunknown", named.GetProperty("reason").GetString());
        Assert.Equal(0, await s.App.WithDbAsync(db => db.OutgoingMessages.CountAsync()));

        var sent = await s.ReplyAsync(ticketId, new { text = "Hello", cc = new[] { "fine@example.com" }, confirmHardBounced = true });

        Assert.Equal("queued", sent.GetProperty("sendState").GetString());
        Assert.Equal("gone@example.com", Assert.Single(sent.GetProperty("hardBouncedRecipients").EnumerateArray()).GetProperty("address").GetString());
        var fine = await s.ReplyAsync(ticketId, new { to = new[] { "fine@example.com" }, text = "Hello" });
        Assert.True(!fine.TryGetProperty("hardBouncedRecipients", out var none) || none.ValueKind == JsonValueKind.Null, fine.ToString());
    }

    private static Task<TicketStatus> StatusAsync(SendingScenario s, Guid ticketId) =>
        s.App.WithDbAsync(db => db.Tickets.AsNoTracking().Where(t => t.Id == ticketId).Select(t => t.Status).SingleAsync());
}
