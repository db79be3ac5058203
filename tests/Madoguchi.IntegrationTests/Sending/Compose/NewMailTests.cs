using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailKit;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Bounces;
using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.History;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Sending.Compose;

/// <summary>新規メール: a new mail from an inbox opens a ticket whose first message is the sent mail; it leaves through a
/// real Postfix into a real Dovecot mailbox and the customer's answer threads back into that ticket; the roles and checks
/// of replies apply.</summary>
public sealed class NewMailTests(PostfixFixture mail) : IClassFixture<PostfixFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task NewMail_ThroughPostfix_ArrivesAsFirstMessageOfNewTicket_AndCustomerAnswerThreadsIntoIt(DatabaseProvider provider)
    {
        var (scenario, customer, _) = await SendingScenario.StartRelayingAsync(provider, mail);
        await using var s = scenario;

        var queued = await NewMailAsync(s.Owner, s.InboxId, new
        {
            to = new[] { $"お客様 <{PostfixFixture.AddressOf(customer)}>" }, subject = "ご注文の発送について", text = "本日発送いたしました。\n\n-- \nサポート窓口",
            statusAfter = "pending",
        });

        Assert.Equal("sent", queued.GetProperty("direction").GetString());
        Assert.Equal("queued", queued.GetProperty("sendState").GetString());
        var messageId = queued.GetProperty("id").GetGuid();
        var ticketId = queued.GetProperty("ticketId").GetGuid();
        var sentId = queued.GetProperty("messageId").GetString()!;
        Assert.Equal(SendState.Sent, (await s.WaitUntilSettledAsync(messageId)).State);
        var ticket = await (await s.Owner.GetAsync($"/api/v1/tickets/{ticketId}")).ReadAsync<JsonElement>();
        Assert.Equal("ご注文の発送について", ticket.GetProperty("subject").GetString());
        var first = Assert.Single(ticket.GetProperty("messages").EnumerateArray());
        Assert.Equal(messageId, first.GetProperty("id").GetGuid());
        Assert.Equal("sent", first.GetProperty("sendState").GetString());
        var row = await s.App.WithDbAsync(db => db.Tickets.AsNoTracking().SingleAsync(t => t.Id == ticketId));
        Assert.Equal(TicketStatus.Pending, row.Status);
        Assert.Equal(PostfixFixture.AddressOf(customer), row.FromAddress);

        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));
        using (var imap = await mail.Dovecot.ConnectImapAsync(customer.Name))
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            Assert.Equal(1, imap.Inbox.Count);
            var delivered = await imap.Inbox.GetMessageAsync(0);
            Assert.Equal(sentId, delivered.MessageId);
            Assert.Null(delivered.InReplyTo);
            Assert.Equal("ご注文の発送について", delivered.Subject);
            Assert.Contains("本日発送いたしました。", delivered.TextBody, StringComparison.Ordinal);
        }

        var answer = await s.App.ReceiveAsync(s.InboxId, InboundMail.Eml($"answer-new-{provider}@mail.test", subject: "Re: ご注文の発送について",
            from: PostfixFixture.AddressOf(customer), inReplyTo: sentId));

        Assert.Equal(ticketId, answer.TicketId);
        ticket = await (await s.Owner.GetAsync($"/api/v1/tickets/{ticketId}")).ReadAsync<JsonElement>();
        Assert.Equal(2, ticket.GetProperty("messages").GetArrayLength());
        Assert.Equal(TicketStatus.Open, await s.App.WithDbAsync(db => db.Tickets.AsNoTracking().Where(t => t.Id == ticketId).Select(t => t.Status).SingleAsync()));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task NewMail_WithUploads_ArrivesInDovecotWithTheFiles_AndWritesTicketHistoryAndAudit(DatabaseProvider provider)
    {
        var (scenario, customer, _) = await SendingScenario.StartRelayingAsync(provider, mail);
        await using var s = scenario;
        const string FileName = "御見積書（第２版）.pdf";
        var pdf = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray();
        var notes = System.Text.Encoding.UTF8.GetBytes("補足です。\r\n");
        var ids = await s.Owner.UploadAsync((FileName, "application/pdf", pdf), ("notes.txt", "text/plain", notes));

        var queued = await NewMailAsync(s.Owner, s.InboxId, new
        {
            to = new[] { PostfixFixture.AddressOf(customer) }, subject = "お見積りの送付", text = "お見積りを添付いたします。", attachmentIds = ids,
        });

        var messageId = queued.GetProperty("id").GetGuid();
        var ticketId = queued.GetProperty("ticketId").GetGuid();
        Assert.Equal(SendState.Sent, (await s.WaitUntilSettledAsync(messageId)).State);
        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));
        using (var imap = await mail.Dovecot.ConnectImapAsync(customer.Name))
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var delivered = await imap.Inbox.GetMessageAsync(0);
            var parts = delivered.Attachments.OfType<MimeKit.MimePart>().ToList();
            Assert.Equal([FileName, "notes.txt"], parts.Select(p => p.FileName!).ToArray());
            Assert.Equal(pdf, AttachmentTests.Decoded(parts[0]));
            Assert.Equal(notes, AttachmentTests.Decoded(parts[1]));
            Assert.Contains("お見積りを添付いたします。", delivered.TextBody, StringComparison.Ordinal);
        }
        var shown = await s.MessageAsync(ticketId, messageId);
        Assert.Equal([FileName, "notes.txt"], shown.GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("fileName").GetString()!).ToArray());
        Assert.Equal(0, await s.App.WithDbAsync(db => db.Uploads.CountAsync()));

        // Like a reply: the ticket's history says who took it and which status sending set; the audit log has the status change.
        var history = await (await s.Owner.GetAsync($"/api/v1/tickets/{ticketId}/history")).ReadAsync<JsonElement>();
        var lines = history.GetProperty("items").EnumerateArray()
            .Select(e => $"{e.GetProperty("field").GetString()}:{e.GetProperty("from").GetString()}→{e.GetProperty("to").GetString()}").ToList();
        Assert.Contains("status:Open→Closed", lines);
        Assert.Contains(lines, l => l.StartsWith("assignee:→", StringComparison.Ordinal));
        Assert.All(history.GetProperty("items").EnumerateArray(), e => Assert.Equal(s.Account.Owner.Id, e.GetProperty("actorUserId").GetGuid()));
        var audit = await s.App.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(e => e.AccountId == s.Account.Id && e.Action == AuditAction.TicketStatusChanged)
            .Select(e => e.Detail).ToListAsync());
        Assert.Contains(audit, d => d != null && d.Contains(ticketId.ToString(), StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task NewMail_ByAssistant_AwaitsApproval_TicketOpenUntilManagerApproves_ThenSentOnce(DatabaseProvider provider)
    {
        await using var sink = await SmtpSinkServer.StartNewAsync(dump: true);
        await using var s = await SendingScenario.StartAsync(provider);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = sink.Port, security = "none", authentication = "none" });
        var (_, assistant) = await s.MemberAsync("assistant");
        var (_, manager) = await s.MemberAsync("manager");
        var (_, none) = await s.MemberAsync("none");

        await (await none.PostAsJsonAsync($"/api/v1/inboxes/{s.InboxId}/messages", new { to = new[] { "c@example.com" }, subject = "x", text = "x" }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        var waiting = await NewMailAsync(assistant, s.InboxId, new { to = new[] { "customer@example.com" }, subject = "ご案内", text = "ご案内です。" });

        Assert.Equal("awaitingApproval", waiting.GetProperty("sendState").GetString());
        var messageId = waiting.GetProperty("id").GetGuid();
        var ticketId = waiting.GetProperty("ticketId").GetGuid();
        Assert.Equal(TicketStatus.Open, await StatusAsync(s, ticketId));
        Assert.Equal(SendState.AwaitingApproval, (await s.WaitForOutboxAsync(messageId, _ => true)).State);

        await (await manager.PostAsync($"/api/v1/messages/{messageId}/approve", null)).AssertStatusAsync(HttpStatusCode.OK);

        Assert.Equal(SendState.Sent, (await s.WaitUntilSettledAsync(messageId)).State);
        Assert.Equal(1, sink.CountDumpedMessages());
        Assert.Equal(TicketStatus.Closed, await StatusAsync(s, ticketId));
        var history = await s.App.WithDbAsync(db => db.TicketHistory.AsNoTracking().Where(h => h.TicketId == ticketId).OrderBy(h => h.Id)
            .Select(h => new { h.Field, h.To, h.ActorUserId }).ToListAsync());
        // The writer took the ticket when queuing; the approval wrote the status it chose and the reply's own step.
        Assert.Equal(TicketChangeField.Assignee, history[0].Field);
        Assert.Equal(new[] { TicketChangeField.Status, TicketChangeField.Reply }.Order(), history.Skip(1).Select(h => h.Field).Order());
        Assert.Equal("Closed", history.Single(h => h.Field == TicketChangeField.Status).To);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task NewMail_SameChecksAsReplies_NothingStoredWhenRefused(DatabaseProvider provider)
    {
        await using var s = await SendingScenario.StartAsync(provider);
        var url = $"/api/v1/inboxes/{s.InboxId}/messages";
        await (await s.Owner.PostAsJsonAsync(url, new { to = new[] { "c@example.com" }, subject = "件名", text = "本文" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "no_send_address");
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = FreePort.Get(), security = "none", authentication = "none" });
        await s.App.WithDbAsync(async db =>
        {
            db.Set<HardBouncedAddress>().Add(new HardBouncedAddress { AccountId = s.Account.Id, Address = "gone@example.com", Status = "5.1.1", Reason = "userunknown", LastBouncedAt = DateTime.UtcNow });
            return await db.SaveChangesAsync();
        });

        await (await s.Owner.PostAsJsonAsync(url, new { to = new[] { "not an address" }, subject = "件名", text = "本文" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "address_invalid");
        await (await s.Owner.PostAsJsonAsync(url, new { cc = new[] { "c@example.com" }, subject = "件名", text = "本文" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "to_required");
        await (await s.Owner.PostAsJsonAsync(url, new { to = new[] { "c@example.com" }, subject = " ", text = "本文" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "subject_required");
        await (await s.Owner.PostAsJsonAsync(url, new { to = Enumerable.Range(0, 101).Select(i => $"c{i}@example.com").ToArray(), subject = "件名", text = "本文" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "too_many_recipients");
        await (await s.Owner.PostAsJsonAsync(url, new { to = new[] { "c@example.com" }, bcc = new[] { "gone@example.com" }, subject = "件名", text = "本文" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, QueueReplyCommand.HardBouncedCode);
        var (_, member) = await s.MemberAsync("operator");
        var theirs = await member.UploadAsync(("private.txt", "text/plain", "secret"u8.ToArray()));
        await (await s.Owner.PostAsJsonAsync(url, new { to = new[] { "c@example.com" }, subject = "件名", text = "本文", attachmentIds = theirs }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "upload_not_found");
        Assert.Equal(1, await s.App.WithDbAsync(db => db.Uploads.CountAsync(u => u.Id == theirs[0])));

        Assert.Equal(0, await s.App.WithDbAsync(db => db.Tickets.CountAsync(t => t.InboxId == s.InboxId)));
        Assert.Equal(0, await s.App.WithDbAsync(db => db.OutgoingMessages.CountAsync(o => o.InboxId == s.InboxId)));
        var confirmed = await NewMailAsync(s.Owner, s.InboxId, new { to = new[] { "c@example.com" }, bcc = new[] { "gone@example.com" }, subject = "件名", text = "本文", confirmHardBounced = true });
        Assert.Equal("gone@example.com", Assert.Single(confirmed.GetProperty("hardBouncedRecipients").EnumerateArray()).GetProperty("address").GetString());
    }

    internal static async Task<JsonElement> NewMailAsync(HttpClient client, Guid inboxId, object body)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/inboxes/{inboxId}/messages", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static Task<TicketStatus> StatusAsync(SendingScenario s, Guid ticketId) =>
        s.App.WithDbAsync(db => db.Tickets.AsNoTracking().Where(t => t.Id == ticketId).Select(t => t.Status).SingleAsync());
}
