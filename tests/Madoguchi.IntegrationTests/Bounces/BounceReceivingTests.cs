using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Madoguchi.Core.Bounces;
using Madoguchi.Core.Data;
using Madoguchi.Core.Tickets;
using Madoguchi.IntegrationTests.Receiving;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Bounces;

/// <summary>Bounces fetched from a real Dovecot through the whole pipeline. The sent message is a row inserted here
/// (sending is built elsewhere); the bounce is in the shape Postfix writes (RFC 3464, returned headers).</summary>
public sealed class BounceReceivingTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    private const string Customer = "taro.yamada@customer.example";

    internal static byte[] PostfixBounce(string failedAddress, string returnedMessageId) => Encoding.UTF8.GetBytes($"""
        Return-Path: <>
        Date: Sat, 5 Dec 2026 09:00:00 +0900 (JST)
        From: MAILER-DAEMON@mx.customer.example (Mail Delivery System)
        Subject: Undelivered Mail Returned to Sender
        To: support@example.org
        Auto-Submitted: auto-replied
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="4F2A1C0B.1733356800/mx.customer.example"
        Message-Id: <20261205000000.{Guid.NewGuid():N}@mx.customer.example>

        This is a MIME-encapsulated message.

        --4F2A1C0B.1733356800/mx.customer.example
        Content-Description: Notification
        Content-Type: text/plain; charset=us-ascii

        This is the mail system at host mx.customer.example.

        I'm sorry to have to inform you that your message could not
        be delivered to one or more recipients. It's attached below.

        <{failedAddress}>: host mail.customer.example[192.0.2.10] said: 550 5.1.1
            <{failedAddress}>: Recipient address rejected: User unknown in local
            recipient table (in reply to RCPT TO command)

        --4F2A1C0B.1733356800/mx.customer.example
        Content-Description: Delivery report
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx.customer.example
        X-Postfix-Queue-ID: 4F2A1C0B
        Arrival-Date: Sat,  5 Dec 2026 08:59:59 +0900 (JST)

        Final-Recipient: rfc822; {failedAddress}
        Original-Recipient: rfc822;{failedAddress}
        Action: failed
        Status: 5.1.1
        Remote-MTA: dns; mail.customer.example
        Diagnostic-Code: smtp; 550 5.1.1 <{failedAddress}>: Recipient address
            rejected: User unknown in local recipient table

        --4F2A1C0B.1733356800/mx.customer.example
        Content-Description: Undelivered Message Headers
        Content-Type: text/rfc822-headers

        From: Support <support@example.org>
        To: {failedAddress}
        Subject: Re: 注文について
        Message-ID: <{returnedMessageId}>
        Date: Sat, 5 Dec 2026 08:59:58 +0900

        --4F2A1C0B.1733356800/mx.customer.example--
        """.Replace("\n", "\r\n", StringComparison.Ordinal));

    private static byte[] Vacation() => Encoding.UTF8.GetBytes($"""
        From: Taro Yamada <{Customer}>
        To: support@example.org
        Subject: Out of Office: Re: 注文について
        Auto-Submitted: auto-replied
        Message-ID: <vacation-{Guid.NewGuid():N}@customer.example>
        Date: Sat, 5 Dec 2026 09:00:00 +0900
        Content-Type: text/plain; charset=utf-8

        I am out of the office until Monday.
        """.Replace("\n", "\r\n", StringComparison.Ordinal));

    private static async Task<(Guid TicketId, Guid MessageId)> InsertSentAsync(ReceivingScenario scenario, string messageId) =>
        await scenario.App.WithDbAsync(async db =>
        {
            var now = DateTime.UtcNow;
            var ticket = new Ticket
            {
                AccountId = scenario.Account.Id, InboxId = scenario.InboxId, Subject = "注文について", Status = TicketStatus.Closed,
                MessageCount = 1, CreatedAt = now, LastMessageAt = now, FromName = "Taro Yamada", FromAddress = Customer,
            };
            var sent = new TicketMessage
            {
                AccountId = scenario.Account.Id, TicketId = ticket.Id, InboxId = scenario.InboxId, Direction = MessageDirection.Sent,
                MessageIdHeader = messageId, Subject = "Re: 注文について", Date = now, ReceivedAt = now, Text = "ご注文ありがとうございます。",
            };
            db.Tickets.Add(ticket);
            db.TicketMessages.Add(sent);
            await db.SaveChangesAsync();
            return (ticket.Id, sent.Id);
        });

    private static async Task FetchAndProcessAsync(ReceivingScenario scenario)
    {
        await scenario.FetchNowAsync();
        foreach (var raw in await scenario.StoredAsync())
            await scenario.App.WaitForPipelineAsync(raw.Id);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Fetch_BounceOfASentMessage_JoinsItsTicketMarksItBouncedAndFlagsTheAddress(DatabaseProvider provider)
    {
        await using var scenario = await ReceivingScenario.StartAsync(provider);
        var user = await dovecot.AddUniqueUserAsync("bounce");
        var sentId = $"reply-{Guid.NewGuid():N}@example.org";
        var (ticketId, sentMessageId) = await InsertSentAsync(scenario, sentId);
        await dovecot.Server.DeliverAsync(user.Name, PostfixBounce(Customer, sentId));
        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user));

        await FetchAndProcessAsync(scenario);

        var (tickets, bounce, sent) = await scenario.App.WithDbAsync(async db => (
            await db.Tickets.AsNoTracking().Where(t => t.InboxId == scenario.InboxId).ToListAsync(),
            await db.TicketMessages.AsNoTracking().SingleAsync(m => m.InboxId == scenario.InboxId && m.Direction == MessageDirection.Received),
            await db.TicketMessages.AsNoTracking().SingleAsync(m => m.Id == sentMessageId)));
        Assert.Single(tickets);
        Assert.Equal(ticketId, bounce.TicketId);
        Assert.True(bounce.IsBounceReport);
        Assert.Equal(Customer, tickets[0].FromAddress);
        var recorded = MessageBounce.FromJson(sent.BounceJson);
        Assert.NotNull(recorded);
        var recipient = Assert.Single(recorded.Recipients);
        Assert.Equal((Customer, "5.1.1", "userunknown", true), (recipient.Address, recipient.Status, recipient.Reason, recipient.HardBounce));

        await using var scope = scenario.App.Services.CreateAsyncScope();
        var flags = await scope.ServiceProvider.GetRequiredService<IsHardBouncedQuery>()
            .HandleAsync(scenario.Account.Id, ["TARO.YAMADA@customer.example", "hanako@customer.example"], CancellationToken.None);
        Assert.Equal(Customer, Assert.Single(flags).Address);

        var view = await scenario.Owner.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{ticketId}");
        var sentView = view.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == sentMessageId);
        Assert.Equal("userunknown", sentView.GetProperty("bounce").GetProperty("recipients")[0].GetProperty("reason").GetString());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Fetch_BounceMatchingNothingSent_OpensATicketMarkedBounce_VacationIsNoBounce(DatabaseProvider provider)
    {
        await using var scenario = await ReceivingScenario.StartAsync(provider);
        var user = await dovecot.AddUniqueUserAsync("bounce");
        await dovecot.Server.DeliverAsync(user.Name, PostfixBounce("hanako@customer.example", $"elsewhere-{Guid.NewGuid():N}@example.org"));
        await dovecot.Server.DeliverAsync(user.Name, Vacation());
        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, user));

        await FetchAndProcessAsync(scenario);

        var messages = await scenario.App.WithDbAsync(db => db.TicketMessages.AsNoTracking().Where(m => m.InboxId == scenario.InboxId).ToListAsync());
        Assert.Equal(2, messages.Select(m => m.TicketId).Distinct().Count());
        var bounce = Assert.Single(messages, m => m.Subject.StartsWith("Undelivered", StringComparison.Ordinal));
        var vacation = Assert.Single(messages, m => m.Subject.StartsWith("Out of Office", StringComparison.Ordinal));
        Assert.True(bounce.IsBounceReport);
        Assert.False(vacation.IsBounceReport);
        Assert.Empty(await scenario.App.WithDbAsync(db => db.Set<HardBouncedAddress>().AsNoTracking().ToListAsync()));

        var view = await scenario.Owner.GetFromJsonAsync<JsonElement>($"/api/v1/tickets/{bounce.TicketId}");
        Assert.True(view.GetProperty("messages")[0].GetProperty("isBounceReport").GetBoolean());
    }
}
