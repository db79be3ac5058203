using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Madoguchi.Core.Data;
using Madoguchi.IntegrationTests.Sending;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Madoguchi.IntegrationTests.Tickets.TicketTestData;

namespace Madoguchi.IntegrationTests.Tickets;

/// <summary>The list's paper clip is a column of the ticket (<c>Ticket.HasAttachments</c>) that the database keeps
/// whoever writes the files: a received file and a sent one set it, an inline image does not; a file taken away, a message
/// deleted or moved to another ticket counts the ticket's files again; the migration fills it for tickets already there.
/// After each step the column must equal what it stands for (a file that is not inline on one of the ticket's messages).</summary>
public sealed class TicketPaperClipTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PaperClip_FollowsTheFiles_WhoeverWritesThem(DatabaseProvider provider)
    {
        var settings = SendingScenario.Settings();
        settings["Madoguchi:Sending:WorkerEnabled"] = "false"; // the reply stays queued: only its files matter here
        await using var s = await SendingScenario.StartAsync(provider, settings);
        var app = s.App;
        var plain = (await app.ReceiveAsync(s.InboxId, InboundMail.Eml(Id(), subject: "配送について"))).TicketId!.Value;
        var inlineOnly = (await app.ReceiveAsync(s.InboxId, InlineImageOnly(Id()))).TicketId!.Value;
        var withFile = (await app.ReceiveAsync(s.InboxId, HostileHtml(Id()))).TicketId!.Value;
        var other = (await app.ReceiveAsync(s.InboxId, InboundMail.Eml(Id(), subject: "請求書について"))).TicketId!.Value;
        Assert.Equal(new[] { false, false, true, false }, await ClipsAsync(s, plain, inlineOnly, withFile, other));

        // A reply with a file sets the clip of a ticket that had none.
        await s.AddSendAddressAsync(new
        {
            address = "support@example.jp", displayName = "サポート", isDefault = true, host = "127.0.0.1", port = 9,
            security = "none", authentication = "none",
        });
        var files = await s.Owner.UploadAsync(("見積書.pdf", "application/pdf", Encoding.ASCII.GetBytes("%PDF-1.4 quote")));
        await s.ReplyAsync(plain, new { text = "お見積りを添付いたします。", attachmentIds = files });
        Assert.Equal(new[] { true, false, true, false }, await ClipsAsync(s, plain, inlineOnly, withFile, other));

        // The file taken off the received message (as a re-run of the pipeline replaces a message's files): the inline
        // image left does not count.
        await app.WithDbAsync(db => db.TicketAttachments
            .Where(a => !a.IsInline && db.TicketMessages.Any(m => m.Id == a.TicketMessageId && m.TicketId == withFile)).ExecuteDeleteAsync());
        Assert.Equal(new[] { true, false, false, false }, await ClipsAsync(s, plain, inlineOnly, withFile, other));

        // A message with a file moved to another ticket takes the clip with it.
        var fileMessage = await app.WithDbAsync(db => db.TicketMessages.Where(m => m.TicketId == plain && db.TicketAttachments.Any(a => a.TicketMessageId == m.Id)).Select(m => m.Id).SingleAsync());
        await app.WithDbAsync(db => db.TicketMessages.Where(m => m.Id == fileMessage).ExecuteUpdateAsync(u => u.SetProperty(m => m.TicketId, other)));
        Assert.Equal(new[] { false, false, false, true }, await ClipsAsync(s, plain, inlineOnly, withFile, other));

        // A message deleted with its files.
        await app.WithDbAsync(async db =>
        {
            await db.OutgoingMessages.Where(o => o.TicketMessageId == fileMessage).ExecuteDeleteAsync();
            await db.TicketAttachments.Where(a => a.TicketMessageId == fileMessage).ExecuteDeleteAsync();
            return await db.TicketMessages.Where(m => m.Id == fileMessage).ExecuteDeleteAsync();
        });
        Assert.Equal(new[] { false, false, false, false }, await ClipsAsync(s, plain, inlineOnly, withFile, other));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Migration_FillsTheClipsOfTicketsAlreadyThere(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, emptyDatabase: true);
        var account = await app.CreateAccountAsync();
        var inbox = (await account.CreateInboxAsync()).Id;
        var plain = (await app.ReceiveAsync(inbox, InboundMail.Eml(Id()))).TicketId!.Value;
        var inlineOnly = (await app.ReceiveAsync(inbox, InlineImageOnly(Id()))).TicketId!.Value;
        var withFile = (await app.ReceiveAsync(inbox, HostileHtml(Id()))).TicketId!.Value;

        await app.WithDbAsync(async db =>
        {
            var migrations = db.Database.GetMigrations().ToList();
            var clips = migrations.FindIndex(m => m.EndsWith("_TicketHasAttachments", StringComparison.Ordinal));
            var migrator = db.GetInfrastructure().GetRequiredService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>();
            await migrator.MigrateAsync(migrations[clips - 1]);
            await migrator.MigrateAsync();
            return 0;
        });

        var owner = await account.SignInOwnerAsync();
        var listed = (await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox}"))!["items"]!.AsArray()
            .ToDictionary(i => i!["id"]!.GetValue<Guid>(), i => i!["hasAttachments"]!.GetValue<bool>());
        Assert.False(listed[plain]);
        Assert.False(listed[inlineOnly]);
        Assert.True(listed[withFile]);
    }

    /// <summary>Each ticket's kept clip, after checking that every ticket's clip equals what it stands for.</summary>
    private static async Task<bool[]> ClipsAsync(SendingScenario s, params Guid[] tickets)
    {
        var rows = await s.App.WithDbAsync(db => db.Tickets.Where(t => tickets.Contains(t.Id)).Select(t => new
        {
            t.Id,
            Kept = t.HasAttachments,
            Truth = db.TicketMessages.Any(m => m.TicketId == t.Id && db.TicketAttachments.Any(a => a.TicketMessageId == m.Id && !a.IsInline)),
        }).ToListAsync());
        Assert.All(rows, r => Assert.Equal(r.Truth, r.Kept));
        // And the list shows it.
        var listed = (await s.Owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={s.InboxId}"))!["items"]!.AsArray()
            .ToDictionary(i => i!["id"]!.GetValue<Guid>(), i => i!["hasAttachments"]!.GetValue<bool>());
        var kept = tickets.Select(t => rows.Single(r => r.Id == t).Kept).ToArray();
        Assert.Equal(kept, tickets.Select(t => listed[t]));
        return kept;
    }
}
