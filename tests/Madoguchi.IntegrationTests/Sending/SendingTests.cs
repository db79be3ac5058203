using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MailKit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Sending;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Sending;

/// <summary>Replies leave through a real Postfix into a real Dovecot mailbox; the customer's answer threads back; every
/// state is told truthfully.</summary>
public sealed class SendingTests(PostfixFixture mail) : IClassFixture<PostfixFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reply_ThroughPostfix_ReachesReplyToMailbox_AndCustomerAnswerThreadsBack(DatabaseProvider provider)
    {
        var (scenario, customer, _) = await SendingScenario.StartRelayingAsync(provider, mail);
        await using var s = scenario;
        var ticketId = await s.ReceiveCustomerMailAsync($"question-{provider}@example.com", "form@example.com",
            $"Reply-To: お客様 <{PostfixFixture.AddressOf(customer)}>");

        var queued = await s.ReplyAsync(ticketId, new { text = "ご連絡ありがとうございます。", statusAfter = "closed" });

        Assert.Equal("sent", queued.GetProperty("direction").GetString());
        Assert.Equal("queued", queued.GetProperty("sendState").GetString());
        var messageId = queued.GetProperty("id").GetGuid();
        var sentId = queued.GetProperty("messageId").GetString()!;
        Assert.EndsWith("@" + PostfixServer.LocalDomain, sentId, StringComparison.Ordinal);
        var row = await s.WaitUntilSettledAsync(messageId);
        Assert.Equal(SendState.Sent, row.State);
        Assert.Equal(1, row.Attempts);
        Assert.Equal("sent", (await s.MessageAsync(ticketId, messageId)).GetProperty("sendState").GetString());
        // Our reply is found by search like received mail.
        var found = await (await s.Owner.GetAsync("/api/v1/search?q=" + Uri.EscapeDataString("ありがとうございます"))).ReadAsync<JsonElement>();
        Assert.Equal([messageId], found.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));

        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));
        using (var imap = await mail.Dovecot.ConnectImapAsync(customer.Name))
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            Assert.Equal(1, imap.Inbox.Count);
            var delivered = await imap.Inbox.GetMessageAsync(0);
            Assert.Equal(sentId, delivered.MessageId);
            Assert.Equal($"question-{provider}@example.com", delivered.InReplyTo);
            Assert.Equal("Re: 注文について", delivered.Subject);
            Assert.Contains("ご連絡ありがとうございます。", delivered.TextBody, StringComparison.Ordinal);
        }

        var answer = await s.App.ReceiveAsync(s.InboxId, InboundMail.Eml($"answer-{provider}@mail.test", subject: "Re: 注文について",
            from: PostfixFixture.AddressOf(customer), inReplyTo: sentId));

        Assert.Equal(ticketId, answer.TicketId);
        var ticket = await (await s.Owner.GetAsync($"/api/v1/tickets/{ticketId}")).ReadAsync<JsonElement>();
        Assert.Equal(3, ticket.GetProperty("messages").GetArrayLength());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Reply_WrongPassword_FailsExplainedOnce_ThenResendAfterFixSends(DatabaseProvider provider)
    {
        await using var s = await SendingScenario.StartAsync(provider);
        var support = await mail.AddUniqueUserAsync("support");
        var addressId = await s.AddSendAddressAsync(new
        {
            address = PostfixFixture.AddressOf(support), displayName = "Support", host = mail.Postfix.Host, port = mail.Postfix.Submission.Port,
            security = "starttls", validateCertificate = false, authentication = "plain", username = support.Name, password = "wrong-password",
        });
        var ticketId = await s.ReceiveCustomerMailAsync($"pw-{provider}@example.com", PostfixFixture.AddressOf(support));

        var queued = await s.ReplyAsync(ticketId, new { text = "Hello" });
        var messageId = queued.GetProperty("id").GetGuid();
        var row = await s.WaitUntilSettledAsync(messageId);

        Assert.Equal(SendState.Failed, row.State);
        Assert.Equal(1, row.Attempts);
        var shown = await s.MessageAsync(ticketId, messageId);
        Assert.Equal("failed", shown.GetProperty("sendState").GetString());
        var error = shown.GetProperty("sendError");
        Assert.Equal("authentication_failed", error.GetProperty("code").GetString());
        Assert.Contains("5.7.8", error.GetProperty("serverReply").GetString(), StringComparison.Ordinal);
        Assert.Contains("パスワード", error.GetProperty("ja").GetString(), StringComparison.Ordinal);
        Assert.Contains("password", error.GetProperty("en").GetString(), StringComparison.Ordinal);

        await (await s.Owner.PatchAsJsonAsync($"{s.Base}/{addressId}", new { password = support.Password })).AssertStatusAsync(HttpStatusCode.OK);
        var resent = await (await s.Owner.PostAsync($"/api/v1/messages/{messageId}/resend", null)).ReadAsync<JsonElement>();
        // The worker may already have picked it up: never "failed" any more.
        Assert.Contains(resent.GetProperty("sendState").GetString(), new[] { "queued", "sending", "sent" });
        row = await s.WaitUntilSettledAsync(messageId);
        Assert.Equal(SendState.Sent, row.State);
        await (await s.Owner.PostAsync($"/api/v1/messages/{messageId}/resend", null)).AssertProblemAsync(HttpStatusCode.Conflict, "not_failed");
    }

    public static TheoryData<string, string> RealPostfixErrors => new()
    {
        { "too_many_recipients", "4.5.3" },
        { "message_too_large", "5.3.4" },
        { "tls_required", "5.7.0" },
        { "recipient_rejected", "5.1.1" },
        { "relay_denied", "5.7.1" },
        { "sender_rejected", "5.7.1" },
        { "certificate_untrusted", "" },
    };

    [Theory, MemberData(nameof(RealPostfixErrors))]
    public async Task Reply_RealPostfixRefuses_FailedWithExplanationAndVerbatimReply_NotRetried(string code, string enhanced)
    {
        await using var s = await SendingScenario.StartAsync(DatabaseProvider.Sqlite);
        var p = mail.Postfix;
        var support = await mail.AddUniqueUserAsync("support");
        var from = PostfixFixture.AddressOf(support);
        object reply = new { text = "Hello" };
        object settings = code switch
        {
            "too_many_recipients" => SendingScenario.Relay(p, from, new { port = p.Limited.Port }),
            "message_too_large" => SendingScenario.Relay(p, from, new { port = p.Limited.Port }),
            "tls_required" => SendingScenario.Relay(p, from, new { port = p.Submission.Port }),
            "relay_denied" => SendingScenario.Relay(p, from, new { port = p.Submission.Port, security = "starttls", validateCertificate = false }),
            "sender_rejected" => SendingScenario.Relay(p, $"support@{PostfixServer.RejectedSenderDomain}"),
            "certificate_untrusted" => SendingScenario.Relay(p, from, new { port = p.Submission.Port, security = "starttls", validateCertificate = true }),
            _ => SendingScenario.Relay(p, from),
        };
        reply = code switch
        {
            "too_many_recipients" => new { to = new[] { "a@mail.test" }, cc = new[] { "b@mail.test", "c@mail.test", "d@mail.test" }, text = "Hello" },
            "message_too_large" => new { text = new string('x', PostfixServer.LimitedSizeBytes + 1000) },
            "recipient_rejected" => new { to = new[] { $"nobody@{PostfixServer.RejectingDomain}" }, text = "Hello" },
            "relay_denied" => new { to = new[] { "someone@elsewhere.test" }, text = "Hello" },
            _ => reply,
        };
        await s.AddSendAddressAsync(settings);
        var ticketId = await s.ReceiveCustomerMailAsync($"err-{code}@example.com", from);

        var messageId = (await s.ReplyAsync(ticketId, reply)).GetProperty("id").GetGuid();
        var row = await s.WaitUntilSettledAsync(messageId);

        Assert.Equal(SendState.Failed, row.State);
        Assert.Equal(1, row.Attempts);
        var error = (await s.MessageAsync(ticketId, messageId)).GetProperty("sendError");
        Assert.Equal(code, error.GetProperty("code").GetString());
        if (enhanced.Length > 0)
            Assert.Contains(enhanced, error.GetProperty("serverReply").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(error.GetProperty("ja").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("en").GetString()));
    }

    [Fact]
    public async Task Reply_SinkAnswers5xx_FailedAtOnceWithServerReplyVerbatim()
    {
        await using var sink = await SmtpSinkServer.StartNewAsync(["-f", "RCPT", "-B", "550 5.1.1 <x>: Recipient address rejected: No such user here"]);
        await using var s = await SendingScenario.StartAsync(DatabaseProvider.Sqlite);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = sink.Port, security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync("sink-5xx@example.com");

        var messageId = (await s.ReplyAsync(ticketId, new { text = "Hello" })).GetProperty("id").GetGuid();
        var row = await s.WaitUntilSettledAsync(messageId);

        Assert.Equal(SendState.Failed, row.State);
        Assert.Equal(1, row.Attempts);
        Assert.Equal(SendErrorCode.RecipientRejected, row.ErrorCode);
        Assert.Equal("550 5.1.1 <x>: Recipient address rejected: No such user here", row.ServerReply);
    }

    [Fact]
    public async Task Reply_SinkAnswers4xx_RetriedWithNextAttempt_UntilRetryWindowEnds()
    {
        await using var sink = await SmtpSinkServer.StartNewAsync(["-r", "MAIL", "-b", "451 4.3.0 Try again later"]);
        await using var s = await SendingScenario.StartAsync(DatabaseProvider.Sqlite, SendingScenario.Settings(retryFor: TimeSpan.FromSeconds(2)));
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = sink.Port, security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync("sink-4xx@example.com");

        var messageId = (await s.ReplyAsync(ticketId, new { text = "Hello" })).GetProperty("id").GetGuid();
        var retrying = await s.WaitForOutboxAsync(messageId, o => o.State == SendState.Queued && o.ErrorCode is not null);

        Assert.Equal(SendErrorCode.TemporaryFailure, retrying.ErrorCode);
        Assert.Equal("451 4.3.0 Try again later", retrying.ServerReply);
        var row = await s.WaitUntilSettledAsync(messageId);
        Assert.Equal(SendState.Failed, row.State);
        Assert.True(row.Attempts >= 2, $"attempts: {row.Attempts}");
    }

    [Fact]
    public async Task Reply_ConnectionRefused_QueuedForRetryWithExplanation()
    {
        await using var s = await SendingScenario.StartAsync(DatabaseProvider.Sqlite);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = FreePort.Get(), security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync("refused@example.com");

        var messageId = (await s.ReplyAsync(ticketId, new { text = "Hello" })).GetProperty("id").GetGuid();
        await s.WaitForOutboxAsync(messageId, o => o.Attempts >= 2);

        var shown = await s.MessageAsync(ticketId, messageId);
        Assert.Contains(shown.GetProperty("sendState").GetString(), new[] { "queued", "sending" });
        var cancelled = await s.Owner.PostAsync($"/api/v1/messages/{messageId}/cancel", null);
        if (cancelled.StatusCode == HttpStatusCode.OK)
            Assert.Equal("cancelled", (await cancelled.ReadAsync<JsonElement>()).GetProperty("sendState").GetString());
        var row = await s.WaitForOutboxAsync(messageId, o => o.State != SendState.Sending);
        Assert.Equal(SendErrorCode.ConnectionRefused, row.ErrorCode);
    }

    [Fact]
    public async Task Reply_TooManyRecipients_RefusedBeforeQueueingNamingTheLimit()
    {
        var settings = SendingScenario.Settings();
        settings["Madoguchi:Sending:MaxRecipients"] = "2";
        await using var s = await SendingScenario.StartAsync(DatabaseProvider.Sqlite, settings);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = 25, security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync("limit@example.com");

        var problem = await s.ReplyAsync(ticketId, new { to = new[] { "a@example.test" }, cc = new[] { "b@example.test" }, bcc = new[] { "c@example.test" }, text = "Hi" },
            HttpStatusCode.BadRequest);

        Assert.Equal("too_many_recipients", problem.GetProperty("code").GetString());
        Assert.Contains("2", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await s.App.WithDbAsync(db => db.OutgoingMessages.CountAsync()));
    }

    [Theory]
    [InlineData("login")]
    [InlineData("plain")]
    [InlineData("cram-md5")]
    public async Task TestSend_ReportsEveryStep_AndNamesTheFailingOne(string mechanism)
    {
        await using var s = await SendingScenario.StartAsync(DatabaseProvider.Sqlite);
        var support = await mail.AddUniqueUserAsync("support");
        object Submission(string password) => new
        {
            address = PostfixFixture.AddressOf(support), host = mail.Postfix.Host, port = mail.Postfix.Submission.Port, security = "starttls",
            validateCertificate = false, authentication = mechanism, username = support.Name, password,
        };
        var good = await s.AddSendAddressAsync(Submission(support.Password));
        var bad = await s.AddSendAddressAsync(Submission("wrong"));

        var ok = await (await s.Owner.PostAsync($"{s.Base}/{good}/test", null)).ReadAsync<JsonElement>();
        var failed = await (await s.Owner.PostAsync($"{s.Base}/{bad}/test", null)).ReadAsync<JsonElement>();

        Assert.True(ok.GetProperty("ok").GetBoolean(), ok.ToString());
        Assert.Equal(["name_lookup", "address_check", "tcp_connect", "tls", "ehlo", "auth", "mail_from", "rcpt_to", "data"],
            ok.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("step").GetString()!).ToArray());
        Assert.False(failed.GetProperty("ok").GetBoolean());
        var last = failed.GetProperty("items").EnumerateArray().Last();
        Assert.Equal("auth", last.GetProperty("step").GetString());
        Assert.Equal("authentication_failed", last.GetProperty("error").GetProperty("code").GetString());
        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await mail.Dovecot.CountMessagesAsync(support.Name));
    }

    [Fact]
    public async Task TwoInstancesOnPostgres_SendEachQueuedMessageOnce()
    {
        await using var sink = await SmtpSinkServer.StartNewAsync(dump: true);
        await using var first = await SendingScenario.StartAsync(DatabaseProvider.Postgres);
        var settings = SendingScenario.Settings();
        await using var secondApp = await MadoguchiApp.StartBesideAsync(first.App, settings);
        await first.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = sink.Port, security = "none", authentication = "none" });
        var ticketId = await first.ReceiveCustomerMailAsync("two-instances@example.com");
        const int Count = 30;

        var ids = await first.QueueRepliesAsync(ticketId, Count);
        foreach (var id in ids)
            Assert.Equal(SendState.Sent, (await first.WaitUntilSettledAsync(id)).State);

        var rows = await first.App.WithDbAsync(db => db.OutgoingMessages.AsNoTracking().ToListAsync());
        Assert.All(rows, r => Assert.Equal(1, r.Attempts));
        Assert.Equal(Count, await sink.WaitForDumpedAsync(Count));
    }
}
