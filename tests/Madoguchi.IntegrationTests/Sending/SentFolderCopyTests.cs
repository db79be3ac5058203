using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.Core.Sending.SentCopies;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Sending;

/// <summary>Copies of sent mail in the mailbox's Sent folder (IMAP APPEND to a real Dovecot after a real Postfix accepted
/// the message), and VERP: Postfix's real bounce comes back to the per-message return path and finds its message.</summary>
public sealed class SentFolderCopyTests(PostfixFixture mail) : IClassFixture<PostfixFixture>
{
    private static object ImapServer(DovecotServer dovecot, MailboxUser user, string[] folders, string? password = null) => new
    {
        protocol = "imap", host = dovecot.Host, port = dovecot.ImapPort, security = "none", validateCertificate = true,
        username = user.Name, password = password ?? user.Password, folders, pollSeconds = 60,
    };

    private static async Task<Guid> AddReceiveServerAsync(SendingScenario s, object body)
    {
        var response = await s.Owner.PostAsJsonAsync($"/api/v1/inboxes/{s.InboxId}/receive-servers", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>Fetches now and runs the pipeline on everything stored.</summary>
    private static async Task FetchAndProcessAsync(SendingScenario s)
    {
        var response = await s.Owner.PostAsync($"/api/v1/inboxes/{s.InboxId}/fetch", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var stored = await s.App.WithDbAsync(db => db.RawMessages.AsNoTracking().Where(r => r.InboxId == s.InboxId).Select(r => r.Id).ToListAsync());
        foreach (var id in stored)
            await WaitProcessedAsync(s, id);
    }

    private static async Task WaitProcessedAsync(SendingScenario s, Guid rawId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (await s.App.WithDbAsync(db => db.RawMessages.AsNoTracking().Where(r => r.Id == rawId).Select(r => r.ProcessedAt).SingleAsync()) is null)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Original {rawId} was not processed.");
            await Task.Delay(50);
        }
    }

    private static async Task<SentFolderCopy> WaitForCopyAsync(SendingScenario s, Guid messageId, Func<SentFolderCopy, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var row = await s.App.WithDbAsync(db => db.Set<SentFolderCopy>().AsNoTracking().SingleOrDefaultAsync(c => c.TicketMessageId == messageId));
            if (row is not null && done(row))
                return row;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Sent copy of {messageId}: {row?.State} {row?.ErrorCode} {row?.ErrorDetail}");
            await Task.Delay(50);
        }
    }

    /// <summary>Every message of a folder: raw bytes and flags.</summary>
    private async Task<List<(byte[] Raw, MessageFlags Flags)>> FolderAsync(MailboxUser user, string folder)
    {
        using var client = await mail.Dovecot.ConnectImapAsync(user.Name);
        var f = await client.GetFolderAsync(folder);
        await f.OpenAsync(FolderAccess.ReadOnly);
        var result = new List<(byte[], MessageFlags)>();
        if (f.Count == 0)
            return result;
        foreach (var summary in await f.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags))
        {
            await using var stream = await f.GetStreamAsync(summary.UniqueId);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            result.Add((buffer.ToArray(), summary.Flags ?? MessageFlags.None));
        }
        return result;
    }

    private static async Task<JsonElement> SentCopyViewAsync(SendingScenario s, Guid ticketId, Guid messageId) =>
        (await s.MessageAsync(ticketId, messageId)).GetProperty("sentCopy");

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reply_CopyToSentFolder_AppearsOnceSeenWithTheBytesSent_AndFetchingSentAddsNoTicket(DatabaseProvider provider)
    {
        await using var s = await SendingScenario.StartAsync(provider);
        var support = await mail.AddUniqueUserAsync("support");
        var customer = await mail.AddUniqueUserAsync("customer");
        await mail.Dovecot.CreateFolderAsync(support.Name, "Sent");
        // 受信設定 also fetches the Sent folder: our copy must not come back as a customer ticket.
        await AddReceiveServerAsync(s, ImapServer(mail.Dovecot, support, ["INBOX", "Sent"]));
        await s.AddSendAddressAsync(SendingScenario.Relay(mail.Postfix, PostfixFixture.AddressOf(support), new { copyToSentFolder = true }));
        var ticketId = await s.ReceiveCustomerMailAsync($"copy-{provider}-{Guid.NewGuid():N}@example.com", PostfixFixture.AddressOf(customer));

        var queued = await s.ReplyAsync(ticketId, new { text = "控えを送信済みフォルダに残します。", statusAfter = "closed" });
        var messageId = queued.GetProperty("id").GetGuid();
        var sentRow = await s.WaitUntilSettledAsync(messageId);
        Assert.Equal(SendState.Sent, sentRow.State);
        var copy = await WaitForCopyAsync(s, messageId, c => c.State == SentCopyState.Done);

        Assert.Equal("Sent", copy.Folder);
        var sentFolder = await FolderAsync(support, "Sent");
        var (copied, flags) = Assert.Single(sentFolder);
        Assert.True(flags.HasFlag(MessageFlags.Seen));
        // The bytes the SMTP server received: the stored original with CRLF line ends, and what reached the customer after
        // the trace headers Postfix and the delivery agent put on top.
        await using (var blob = s.App.Services.GetRequiredService<IBlobStore>().OpenRead(sentRow.BlobHash))
        {
            using var buffer = new MemoryStream();
            await blob.CopyToAsync(buffer);
            var crlf = Encoding.Latin1.GetString(buffer.ToArray()).ReplaceLineEndings("\r\n");
            Assert.Equal(crlf, Encoding.Latin1.GetString(copied));
        }
        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));
        var delivered = Assert.Single(await FolderAsync(customer, "INBOX")).Raw;
        Assert.EndsWith(Encoding.Latin1.GetString(copied), Encoding.Latin1.GetString(delivered), StringComparison.Ordinal);
        Assert.Equal("saved", (await SentCopyViewAsync(s, ticketId, messageId)).GetProperty("state").GetString());

        // A copy whose outcome was lost (the instance died after APPEND, before recording it) is found, not appended again.
        await s.App.WithDbAsync(db => db.Set<SentFolderCopy>().Where(c => c.TicketMessageId == messageId)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.State, SentCopyState.Pending).SetProperty(c => c.NextAttemptAt, DateTime.UtcNow.AddMinutes(-1))));
        await WaitForCopyAsync(s, messageId, c => c.State == SentCopyState.Done && c.Attempts == 2);
        Assert.Single(await FolderAsync(support, "Sent"));

        await FetchAndProcessAsync(s);
        var (tickets, messages) = await s.App.WithDbAsync(async db => (
            await db.Tickets.AsNoTracking().Where(t => t.InboxId == s.InboxId).ToListAsync(),
            await db.TicketMessages.AsNoTracking().Where(m => m.InboxId == s.InboxId).ToListAsync()));
        Assert.Equal(ticketId, Assert.Single(tickets).Id);
        Assert.Equal(TicketStatus.Closed, tickets[0].Status);
        Assert.Equal(2, messages.Count);
        Assert.Single(messages, m => m.Direction == MessageDirection.Sent);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reply_SentFolderMarkedBySpecialUse_JapaneseName_IsUsedBeforeACommonName(DatabaseProvider provider)
    {
        await using var s = await SendingScenario.StartAsync(provider);
        var support = await mail.AddUniqueUserAsync("support");
        await mail.Dovecot.CreateFolderAsync(support.Name, "Sent");
        await mail.Dovecot.CreateFolderAsync(support.Name, DovecotServer.SpecialSentFolder);
        await AddReceiveServerAsync(s, ImapServer(mail.Dovecot, support, ["INBOX"]));
        await s.AddSendAddressAsync(SendingScenario.Relay(mail.Postfix, PostfixFixture.AddressOf(support), new { copyToSentFolder = true }));
        var customer = await mail.AddUniqueUserAsync("customer");
        var ticketId = await s.ReceiveCustomerMailAsync($"special-{provider}-{Guid.NewGuid():N}@example.com", PostfixFixture.AddressOf(customer));

        var messageId = (await s.ReplyAsync(ticketId, new { text = "送信済みアイテムへ。" })).GetProperty("id").GetGuid();
        var copy = await WaitForCopyAsync(s, messageId, c => c.State == SentCopyState.Done);

        Assert.Equal(DovecotServer.SpecialSentFolder, copy.Folder);
        Assert.Single(await FolderAsync(support, DovecotServer.SpecialSentFolder));
        Assert.Empty(await FolderAsync(support, "Sent"));
        var view = await SentCopyViewAsync(s, ticketId, messageId);
        Assert.Equal(("saved", DovecotServer.SpecialSentFolder), (view.GetProperty("state").GetString(), view.GetProperty("folder").GetString()));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reply_CopyFails_WrongPasswordThenMissingFolder_MessageStaysSentShowsTheReason_ThenRetrySavesOnce(DatabaseProvider provider)
    {
        await using var s = await SendingScenario.StartAsync(provider);
        var support = await mail.AddUniqueUserAsync("support");
        var serverId = await AddReceiveServerAsync(s, ImapServer(mail.Dovecot, support, ["INBOX"], password: "wrong-password"));
        var addressId = await s.AddSendAddressAsync(SendingScenario.Relay(mail.Postfix, PostfixFixture.AddressOf(support), new { copyToSentFolder = true, sentFolder = "送信控え" }));
        var customer = await mail.AddUniqueUserAsync("customer");
        var ticketId = await s.ReceiveCustomerMailAsync($"fail-{provider}-{Guid.NewGuid():N}@example.com", PostfixFixture.AddressOf(customer));

        var messageId = (await s.ReplyAsync(ticketId, new { text = "保存できなくても送信済みです。" })).GetProperty("id").GetGuid();
        Assert.Equal(SendState.Sent, (await s.WaitUntilSettledAsync(messageId)).State);

        // Wrong IMAP password: the message is 送信済み, the copy says why it is missing, on the message and in 送信設定.
        await WaitForCopyAsync(s, messageId, c => c.ErrorCode == "authentication_failed");
        var message = await s.MessageAsync(ticketId, messageId);
        Assert.Equal("sent", message.GetProperty("sendState").GetString());
        var view = message.GetProperty("sentCopy");
        Assert.Equal(("retrying", "authentication_failed"), (view.GetProperty("state").GetString(), view.GetProperty("code").GetString()));
        Assert.Contains("IMAP", view.GetProperty("ja").GetString(), StringComparison.Ordinal);
        var addresses = await (await s.Owner.GetAsync(s.Base)).ReadAsync<JsonElement>();
        var listed = addresses.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("id").GetGuid() == addressId);
        Assert.Equal("authentication_failed", listed.GetProperty("lastSentCopy").GetProperty("code").GetString());

        // The password fixed, the configured folder does not exist (and the server marks none \Sent): that reason next.
        var patch = await s.Owner.PatchAsJsonAsync($"/api/v1/inboxes/{s.InboxId}/receive-servers/{serverId}", new { password = support.Password });
        Assert.True(patch.IsSuccessStatusCode, await patch.Content.ReadAsStringAsync());
        await WaitForCopyAsync(s, messageId, c => c.ErrorCode == SentCopyErrors.FolderMissing);
        Assert.Equal("sent", (await s.MessageAsync(ticketId, messageId)).GetProperty("sendState").GetString());
        Assert.Equal(SentCopyErrors.FolderMissing, (await SentCopyViewAsync(s, ticketId, messageId)).GetProperty("code").GetString());

        // The folder created: the retry saves it, once.
        await mail.Dovecot.CreateFolderAsync(support.Name, "送信控え");
        var done = await WaitForCopyAsync(s, messageId, c => c.State == SentCopyState.Done);
        Assert.Equal(SendState.Sent, (await s.WaitUntilSettledAsync(messageId)).State);
        Assert.Null(done.ErrorCode);
        Assert.Equal("送信控え", done.Folder);
        Assert.Single(await FolderAsync(support, "送信控え"));
        addresses = await (await s.Owner.GetAsync(s.Base)).ReadAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, addresses.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("id").GetGuid() == addressId).GetProperty("lastSentCopy").ValueKind);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verp_PostfixBounceForUnknownLocalRecipient_ComesBackToTheVerpAddress_AndMarksTheMessage(DatabaseProvider provider)
    {
        await using var s = await SendingScenario.StartAsync(provider);
        var support = await mail.AddUniqueUserAsync("support");
        await AddReceiveServerAsync(s, ImapServer(mail.Dovecot, support, ["INBOX"]));
        await s.AddSendAddressAsync(SendingScenario.Relay(mail.Postfix, PostfixFixture.AddressOf(support), new { verp = true }));
        var ghost = $"ghost-{Guid.NewGuid():N}@{PostfixServer.LocalDomain}";
        var ticketId = await s.ReceiveCustomerMailAsync($"verp-{provider}-{Guid.NewGuid():N}@example.com", ghost);

        var messageId = (await s.ReplyAsync(ticketId, new { text = "宛先のないお客様へ。" })).GetProperty("id").GetGuid();
        var row = await s.WaitUntilSettledAsync(messageId);
        Assert.Equal(SendState.Sent, row.State);
        Assert.NotNull(row.VerpToken);
        var verpAddress = $"{support.Name}+m-{row.VerpToken}@{PostfixServer.LocalDomain}";
        Assert.Contains($"from=<{verpAddress}>", mail.Postfix.ReadLog(), StringComparison.OrdinalIgnoreCase);

        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));
        var bounce = Assert.Single(await FolderAsync(support, "INBOX")).Raw;
        Assert.Contains($"Delivered-To: {verpAddress}", Encoding.Latin1.GetString(bounce), StringComparison.OrdinalIgnoreCase);
        await FetchAndProcessAsync(s);

        var (tickets, sent, received) = await s.App.WithDbAsync(async db => (
            await db.Tickets.AsNoTracking().Where(t => t.InboxId == s.InboxId).ToListAsync(),
            await db.TicketMessages.AsNoTracking().SingleAsync(m => m.Id == messageId),
            await db.TicketMessages.AsNoTracking().Where(m => m.InboxId == s.InboxId && m.IsBounceReport).ToListAsync()));
        Assert.Single(tickets);
        Assert.Equal(ticketId, Assert.Single(received).TicketId);
        Assert.NotNull(sent.BounceJson);
        var view = await s.MessageAsync(ticketId, messageId);
        var recipient = view.GetProperty("bounce").GetProperty("recipients")[0];
        Assert.Equal(ghost, recipient.GetProperty("address").GetString(), ignoreCase: true);
        Assert.Equal("5.1.1", recipient.GetProperty("status").GetString());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Verp_BounceWithOnlyTheVerpRecipient_NoReturnedHeaders_AttachesToItsMessage(DatabaseProvider provider)
    {
        await using var s = await SendingScenario.StartAsync(provider);
        var support = await mail.AddUniqueUserAsync("support");
        await AddReceiveServerAsync(s, ImapServer(mail.Dovecot, support, ["INBOX"]));
        await s.AddSendAddressAsync(SendingScenario.Relay(mail.Postfix, PostfixFixture.AddressOf(support), new { verp = true }));
        var customerA = await mail.AddUniqueUserAsync("customer");
        var customerB = await mail.AddUniqueUserAsync("customer");
        var ticketA = await s.ReceiveCustomerMailAsync($"a-{provider}-{Guid.NewGuid():N}@example.com", PostfixFixture.AddressOf(customerA));
        var ticketB = await s.ReceiveCustomerMailAsync($"b-{provider}-{Guid.NewGuid():N}@example.com", PostfixFixture.AddressOf(customerB));
        var messageA = (await s.ReplyAsync(ticketA, new { text = "Aさんへ" })).GetProperty("id").GetGuid();
        var messageB = (await s.ReplyAsync(ticketB, new { text = "Bさんへ" })).GetProperty("id").GetGuid();
        var rowA = await s.WaitUntilSettledAsync(messageA);
        var rowB = await s.WaitUntilSettledAsync(messageB);
        Assert.NotEqual(rowA.VerpToken, rowB.VerpToken);
        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));

        // A bounce that quotes nothing of the message (no returned headers, no Message-ID, no References), sent through
        // Postfix with the null sender to B's VERP address.
        var failed = PostfixFixture.AddressOf(customerB);
        var verpB = $"{support.Name}+m-{rowB.VerpToken}@{PostfixServer.LocalDomain}";
        await SendRawAsync(mail.Postfix, verpB, BareBounce(verpB, failed));
        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));
        await FetchAndProcessAsync(s);

        var (bounce, a, b) = await s.App.WithDbAsync(async db => (
            await db.TicketMessages.AsNoTracking().SingleAsync(m => m.InboxId == s.InboxId && m.IsBounceReport),
            await db.TicketMessages.AsNoTracking().SingleAsync(m => m.Id == messageA),
            await db.TicketMessages.AsNoTracking().SingleAsync(m => m.Id == messageB)));
        Assert.Equal(ticketB, bounce.TicketId);
        Assert.Null(a.BounceJson);
        Assert.NotNull(b.BounceJson);
        Assert.Equal(2, await s.App.WithDbAsync(db => db.Tickets.CountAsync(t => t.InboxId == s.InboxId)));
        var recipient = (await s.MessageAsync(ticketB, messageB)).GetProperty("bounce").GetProperty("recipients")[0];
        Assert.Equal((failed, "userunknown"), (recipient.GetProperty("address").GetString()!, recipient.GetProperty("reason").GetString()!));

        // VERP comes before the other rules: a bounce to A's VERP address that returns B's headers reports on A.
        var verpA = $"{support.Name}+m-{rowA.VerpToken}@{PostfixServer.LocalDomain}";
        var messageIdB = await s.App.WithDbAsync(db => db.TicketMessages.Where(m => m.Id == messageB).Select(m => m.MessageIdHeader).SingleAsync());
        await SendRawAsync(mail.Postfix, verpA, BareBounce(verpA, PostfixFixture.AddressOf(customerA), returnedMessageId: messageIdB));
        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));
        await FetchAndProcessAsync(s);
        var bounces = await s.App.WithDbAsync(db => db.TicketMessages.AsNoTracking().Where(m => m.InboxId == s.InboxId && m.IsBounceReport).ToListAsync());
        Assert.Equal(2, bounces.Count);
        Assert.Single(bounces, m => m.TicketId == ticketA);
        Assert.Single(bounces, m => m.TicketId == ticketB);
        Assert.NotNull(await s.App.WithDbAsync(db => db.TicketMessages.Where(m => m.Id == messageA).Select(m => m.BounceJson).SingleAsync()));
    }

    private static byte[] BareBounce(string to, string failed, string? returnedMessageId = null) => Encoding.UTF8.GetBytes($"""
        From: Mail Delivery System <MAILER-DAEMON@mx.customer.example>
        To: {to}
        Subject: Undelivered Mail Returned to Sender
        Date: Sat, 5 Dec 2026 09:00:00 +0900
        Auto-Submitted: auto-replied
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="bare-boundary"
        Message-Id: <bare-{Guid.NewGuid():N}@mx.customer.example>

        --bare-boundary
        Content-Type: text/plain; charset=us-ascii

        Your message could not be delivered to one or more recipients.

        <{failed}>: host mx.customer.example said: 550 5.1.1 <{failed}>: Recipient address rejected: User unknown

        --bare-boundary
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.customer.example

        Final-Recipient: rfc822; {failed}
        Action: failed
        Status: 5.1.1
        Diagnostic-Code: smtp; 550 5.1.1 <{failed}>: Recipient address rejected: User unknown

        {(returnedMessageId is null ? "" : $"--bare-boundary\nContent-Type: text/rfc822-headers\n\nFrom: support@mail.test\nTo: {failed}\nSubject: Re: 注文について\nMessage-ID: <{returnedMessageId}>\n\n")}--bare-boundary--
        """.ReplaceLineEndings("\r\n"));

    /// <summary>One SMTP transaction with the null sender (MAIL FROM:&lt;&gt;), as a remote server's bounce arrives.</summary>
    private static async Task SendRawAsync(PostfixServer postfix, string recipient, byte[] message)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(postfix.Host, postfix.Smtp.Port);
        var stream = tcp.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        async Task<string> ReplyAsync()
        {
            string line;
            do
                line = await reader.ReadLineAsync() ?? throw new IOException("closed");
            while (line.Length > 3 && line[3] == '-');
            return line;
        }
        async Task CommandAsync(string command, string expect)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
            var reply = await ReplyAsync();
            Assert.True(reply.StartsWith(expect, StringComparison.Ordinal), $"{command}: {reply}");
        }
        Assert.StartsWith("220", await ReplyAsync(), StringComparison.Ordinal);
        await CommandAsync("EHLO mx.customer.example", "250");
        await CommandAsync("MAIL FROM:<>", "250");
        await CommandAsync($"RCPT TO:<{recipient}>", "250");
        await CommandAsync("DATA", "354");
        await stream.WriteAsync(message);
        await CommandAsync("\r\n.", "250");
        await CommandAsync("QUIT", "221");
    }
}
