using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MailKit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Retention;
using Madoguchi.Core.Sending;
using Madoguchi.Core.Sending.Uploads;
using Madoguchi.Core.Storage;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Madoguchi.IntegrationTests.Sending;

/// <summary>Attachments (uploads, attachmentIds), forward with the original's attachments, reply all and the quoted original,
/// through a real Postfix into a real Dovecot mailbox; uploads belong to their user; limits refuse before anything is queued;
/// storage use counts the sent original and nothing else.</summary>
public sealed class AttachmentTests(PostfixFixture mail) : IClassFixture<PostfixFixture>
{
    private const string JapaneseName = "御見積書（第２版）_株式会社窓口.pdf";

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, false)]
    [InlineData(DatabaseProvider.Postgres, true)]
    public async Task Reply_WithTwoUploads_ArrivesInDovecotIdenticalInNameAndContent_ShownAsChips_CountedOnce(DatabaseProvider provider, bool iso2022jp)
    {
        await using var s = await SendingScenario.StartAsync(provider);
        var customer = await mail.AddUniqueUserAsync("customer");
        var support = await mail.AddUniqueUserAsync("support");
        await s.AddSendAddressAsync(SendingScenario.Relay(mail.Postfix, PostfixFixture.AddressOf(support), new { iso2022jp }));
        var ticketId = await s.ReceiveCustomerMailAsync($"attach-{provider}@example.com", PostfixFixture.AddressOf(customer));
        var pdf = Bytes(5000, seed: 1);
        var notes = Encoding.UTF8.GetBytes("お見積りの補足です。\r\nNotes.\r\n");

        var ids = await s.Owner.UploadAsync((JapaneseName, "application/pdf", pdf), ("notes.txt", "text/plain", notes));
        var queued = await s.ReplyAsync(ticketId, new { text = "お見積りを添付いたします。", attachmentIds = ids });

        var messageId = queued.GetProperty("id").GetGuid();
        var row = await s.WaitUntilSettledAsync(messageId);
        Assert.Equal(SendState.Sent, row.State);
        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));
        using (var imap = await mail.Dovecot.ConnectImapAsync(customer.Name))
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var delivered = await imap.Inbox.GetMessageAsync(0);
            var parts = delivered.Attachments.OfType<MimePart>().ToList();
            Assert.Equal([JapaneseName, "notes.txt"], parts.Select(p => p.FileName!).ToArray());
            Assert.Equal(pdf, Decoded(parts[0]));
            Assert.Equal(notes, Decoded(parts[1]));
            Assert.Contains("お見積りを添付いたします。", delivered.TextBody, StringComparison.Ordinal);
            using var raw = new MemoryStream();
            await delivered.WriteToAsync(raw);
            Assert.Contains(iso2022jp ? "=?iso-2022-jp?" : "*=utf-8''", Encoding.ASCII.GetString(raw.ToArray()), StringComparison.OrdinalIgnoreCase);
        }

        // The sent message in the ticket shows both files as attachments (chips); they download as uploaded, and its original has them.
        var shown = await s.MessageAsync(ticketId, messageId);
        var chips = shown.GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal([JapaneseName, "notes.txt"], chips.Select(c => c.GetProperty("fileName").GetString()!).ToArray());
        Assert.Equal(pdf, await s.Owner.GetByteArrayAsync(chips[0].GetProperty("url").GetString()));
        var original = await MimeMessage.LoadAsync(new MemoryStream(await s.Owner.GetByteArrayAsync(shown.GetProperty("rawUrl").GetString())));
        Assert.Equal(row.Size, (await s.Owner.GetByteArrayAsync(shown.GetProperty("rawUrl").GetString())).LongLength);
        Assert.Equal(pdf, Decoded(original.Attachments.OfType<MimePart>().First()));

        // The uploads became the message's attachments; the account counts the received and the sent original, nothing else.
        Assert.Equal(0, await s.App.WithDbAsync(db => db.Uploads.CountAsync()));
        var received = await s.App.WithDbAsync(db => db.RawMessages.Where(r => r.AccountId == s.Account.Id).SumAsync(r => r.Size));
        var usage = await s.App.WithDbAsync(db => db.AccountStorageUsages.SingleAsync(u => u.AccountId == s.Account.Id));
        Assert.Equal(received + row.Size, usage.Bytes);
        Assert.Equal(2, usage.MessageCount);
        await using var scope = s.App.Services.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<VerifyStorageUseCommand>().HandleAsync(RunRetentionCommand.System, fix: false, default);
        Assert.False(report.Single(r => r.AccountId == s.Account.Id).HasDrift);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Forward_CarriesHeaderBlockTextAndTheOriginalsAttachments_ThroughPostfixIntoDovecot(DatabaseProvider provider)
    {
        await using var s = await SendingScenario.StartAsync(provider);
        var colleague = await mail.AddUniqueUserAsync("colleague");
        var support = await mail.AddUniqueUserAsync("support");
        await s.AddSendAddressAsync(SendingScenario.Relay(mail.Postfix, PostfixFixture.AddressOf(support)));
        var order = Bytes(3000, seed: 2);
        var customerMail = new MimeMessage { Subject = "注文について", MessageId = $"fwd-{provider}@example.com", Date = DateTimeOffset.Parse("2026-12-01T10:00:00+09:00", System.Globalization.CultureInfo.InvariantCulture) };
        customerMail.From.Add(new MailboxAddress("山田 太郎", "yamada@example.com"));
        customerMail.To.Add(new MailboxAddress("", "support@example.jp"));
        var body = new BodyBuilder { TextBody = "注文書を送ります。" };
        body.Attachments.Add("注文書.xlsx", order, ContentType.Parse("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
        customerMail.Body = body.ToMessageBody();
        using var eml = new MemoryStream();
        await customerMail.WriteToAsync(eml);
        var ticketId = (await s.App.ReceiveAsync(s.InboxId, eml.ToArray())).TicketId!.Value;
        var extra = Encoding.UTF8.GetBytes("追加資料");
        var uploads = await s.Owner.UploadAsync(("追加資料.txt", "text/plain", extra));

        var response = await s.Owner.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/forwards",
            new { to = new[] { PostfixFixture.AddressOf(colleague) }, text = "ご確認ください。", attachmentIds = uploads });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
        var forward = JsonDocument.Parse(text).RootElement;
        Assert.Equal("Fwd: 注文について", forward.GetProperty("subject").GetString());
        Assert.Equal(SendState.Sent, (await s.WaitUntilSettledAsync(forward.GetProperty("id").GetGuid())).State);

        await mail.Postfix.WaitUntilQueueEmptyAsync(TimeSpan.FromSeconds(30));
        using (var imap = await mail.Dovecot.ConnectImapAsync(colleague.Name))
        {
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var delivered = await imap.Inbox.GetMessageAsync(0);
            Assert.Equal("Fwd: 注文について", delivered.Subject);
            Assert.Equal([PostfixFixture.AddressOf(colleague)], delivered.To.Mailboxes.Select(m => m.Address).ToArray());
            var lines = delivered.TextBody!.ReplaceLineEndings("\n");
            Assert.StartsWith("ご確認ください。\n\n---------- 転送メッセージ ----------\n差出人: 山田 太郎 <yamada@example.com>\n", lines, StringComparison.Ordinal);
            Assert.Contains("件名: 注文について\n", lines, StringComparison.Ordinal);
            Assert.Contains("\n注文書を送ります。", lines, StringComparison.Ordinal);
            var parts = delivered.Attachments.OfType<MimePart>().ToList();
            Assert.Equal(["注文書.xlsx", "追加資料.txt"], parts.Select(p => p.FileName!).ToArray());
            Assert.Equal(order, Decoded(parts[0]));
            Assert.Equal(extra, Decoded(parts[1]));
        }

        // The original's attachments are selectable: [] forwards none.
        var without = await s.Owner.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/forwards",
            new { to = new[] { PostfixFixture.AddressOf(colleague) }, originalAttachmentIds = Array.Empty<Guid>() });
        var withoutId = JsonDocument.Parse(await without.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid();
        Assert.Empty((await s.MessageAsync(ticketId, withoutId)).GetProperty("attachments").EnumerateArray());
        await (await s.Owner.PostAsJsonAsync($"/api/v1/tickets/{ticketId}/forwards", new { text = "宛先なし" })).AssertProblemAsync(HttpStatusCode.BadRequest, "to_required");
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ReplyAll_ToReplyToCcOthersWithoutOwnAddressesOrDuplicates_QuotingTheOriginal(DatabaseProvider provider)
    {
        await using var sink = await SmtpSinkServer.StartNewAsync();
        await using var s = await SendingScenario.StartAsync(provider);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = sink.Port, security = "none", authentication = "none" });
        var eml = InboundMail.Eml($"all-{provider}@example.com", subject: "打ち合わせの件", from: "山田 太郎 <yamada@example.com>", body: "来週はいかがでしょうか。\r\n> 前回の引用",
            extraHeaders: ["Reply-To: yamada.reply@example.com", "Cc: 鈴木 <suzuki@example.com>, Support <SUPPORT@example.test>, yamada.reply@example.com, SUZUKI@example.com"])
            .Replace("To: support@example.jp", "To: support@example.test, 佐藤 <sato@example.com>", StringComparison.Ordinal);
        var ticketId = (await s.App.ReceiveAsync(s.InboxId, eml)).TicketId!.Value;

        var reply = await s.ReplyAsync(ticketId, new { text = "承知しました。", replyAll = true, quoteOriginal = true });

        Assert.Equal(["yamada.reply@example.com"], reply.GetProperty("to").EnumerateArray().Select(a => a.GetProperty("address").GetString()!).ToArray());
        Assert.Equal(["sato@example.com", "suzuki@example.com"], reply.GetProperty("cc").EnumerateArray().Select(a => a.GetProperty("address").GetString()!).ToArray());
        var messageId = reply.GetProperty("id").GetGuid();
        var row = await s.App.WithDbAsync(db => db.OutgoingMessages.AsNoTracking().SingleAsync(o => o.TicketMessageId == messageId));
        Assert.Equal("yamada.reply@example.com\nsato@example.com\nsuzuki@example.com", row.Recipients);
        var text = (await s.MessageAsync(ticketId, messageId)).GetProperty("text").GetString()!.ReplaceLineEndings("\n");
        Assert.Matches(@"^承知しました。\n\n\d{4}/\d{2}/\d{2} \d{2}:\d{2} 山田 太郎 さんは書きました:\n> 来週はいかがでしょうか。\n>> 前回の引用$", text);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Upload_OfAnotherUser_CannotBeAttachedOrDeleted(DatabaseProvider provider)
    {
        await using var s = await SendingScenario.StartAsync(provider);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = FreePort.Get(), security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync($"other-{provider}@example.com");
        var (_, member) = await s.MemberAsync("operator");
        var theirs = (await member.UploadAsync(("private.txt", "text/plain", Encoding.UTF8.GetBytes("secret"))))[0];

        var problem = await s.ReplyAsync(ticketId, new { text = "Hi", attachmentIds = new[] { theirs } }, HttpStatusCode.NotFound);
        await (await s.Owner.DeleteAsync($"/api/v1/uploads/{theirs}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");

        Assert.Equal("upload_not_found", problem.GetProperty("code").GetString());
        Assert.Equal(0, await s.App.WithDbAsync(db => db.OutgoingMessages.CountAsync()));
        Assert.Equal(1, await s.App.WithDbAsync(db => db.Uploads.CountAsync(u => u.Id == theirs)));
        await (await member.DeleteAsync($"/api/v1/uploads/{theirs}")).AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal(0, await s.App.WithDbAsync(db => db.Uploads.CountAsync()));
    }

    [Fact]
    public async Task Limits_PerFilePerUploadAndPerMessage_RefusedWithCodesNamingTheLimit()
    {
        var settings = SendingScenario.Settings();
        settings["Madoguchi:Sending:MaxAttachmentBytes"] = "1000";
        settings["Madoguchi:Sending:MaxMessageBytes"] = "1500";
        await using var s = await SendingScenario.StartAsync(DatabaseProvider.Sqlite, settings);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = FreePort.Get(), security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync("limits@example.com");

        var one = await ProblemAsync(await s.Owner.PostFilesAsync(("big.bin", "application/octet-stream", Bytes(1001, 3))), "attachment_too_large");
        var both = await ProblemAsync(await s.Owner.PostFilesAsync(("a.bin", "application/octet-stream", Bytes(800, 4)), ("b.bin", "application/octet-stream", Bytes(800, 5))),
            "attachments_too_large");
        Assert.Equal(0, await s.App.WithDbAsync(db => db.Uploads.CountAsync()));
        var fits = await s.Owner.UploadAsync(("a.bin", "application/octet-stream", Bytes(900, 6)));
        var message = await s.ReplyAsync(ticketId, new { text = "Hi", attachmentIds = fits }, HttpStatusCode.BadRequest);

        Assert.Contains("1,000", one.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("1,500", both.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("message_too_large", message.GetProperty("code").GetString());
        Assert.Contains("1,500", message.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await s.App.WithDbAsync(db => db.OutgoingMessages.CountAsync()));
        Assert.Equal(1, await s.App.WithDbAsync(db => db.Uploads.CountAsync()));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Uploads_UnusedAfterRetention_DeletedWithTheirFiles_FilesOfSentAttachmentsKept(DatabaseProvider provider)
    {
        var settings = SendingScenario.Settings();
        settings["Madoguchi:Sending:UploadRetention"] = "00:00:00.001";
        await using var s = await SendingScenario.StartAsync(provider, settings);
        await s.AddSendAddressAsync(new { address = "support@example.test", host = "127.0.0.1", port = FreePort.Get(), security = "none", authentication = "none" });
        var ticketId = await s.ReceiveCustomerMailAsync($"prune-{provider}@example.com");
        var sentBytes = Bytes(700, 7);
        var unused = await s.Owner.UploadAsync(("unused.bin", "application/octet-stream", Bytes(600, 8)));
        var sent = await s.Owner.UploadAsync(("sent.bin", "application/octet-stream", sentBytes));
        await s.ReplyAsync(ticketId, new { text = "Hi", attachmentIds = sent });
        // The same bytes uploaded again and never sent: its row goes, the file stays for the sent message.
        var again = await s.Owner.UploadAsync(("again.bin", "application/octet-stream", sentBytes));
        var hashes = await s.App.WithDbAsync(db => db.Uploads.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.BlobHash));

        await using var scope = s.App.Services.CreateAsyncScope();
        var pruned = await scope.ServiceProvider.GetRequiredService<PruneUploadsCommand>().HandleAsync(default);

        Assert.Equal(2, pruned);
        Assert.Equal(0, await s.App.WithDbAsync(db => db.Uploads.CountAsync()));
        var blobs = s.App.Services.GetRequiredService<IBlobStore>();
        Assert.False(blobs.Exists(hashes[unused[0]]));
        Assert.True(blobs.Exists(hashes[again[0]]));
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }

    private static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    internal static byte[] Decoded(MimePart part)
    {
        using var buffer = new MemoryStream();
        part.Content!.DecodeTo(buffer);
        return buffer.ToArray();
    }
}
