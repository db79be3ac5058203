using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Retention;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.Counts;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Madoguchi.IntegrationTests.Tickets.TicketTestData;
using static Madoguchi.Testing.App.InboundMail;

namespace Madoguchi.IntegrationTests.Tickets;

/// <summary>The bucket counts the database keeps beside the tickets (triggers on <c>Tickets</c> writing +1/−1 rows,
/// <see cref="CompactTicketBucketCountsCommand"/> folding them) always equal a GROUP BY over the tickets: after every kind
/// of writer, under concurrent moves in opposite directions, and across compactions. One app per database for the class;
/// every test makes its own account.</summary>
public sealed class BucketCountTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task EveryWriter_KeptCountsEqualAGroupByOverTickets(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = (await account.CreateInboxAsync()).Id;
        var other = (await account.CreateInboxAsync()).Id;
        var owner = await account.SignInOwnerAsync();
        var actor = Actor.User(account.Owner.Id, account.Id, account.Owner.Email, null);
        var t = new List<Guid>();
        for (var i = 0; i < 9; i++)
            t.Add((await app.ReceiveAsync(i < 8 ? inbox : other, Eml(Id(), subject: $"件名 {i}"))).TicketId!.Value);
        await AssertExactAsync(app, actor, inbox, other);
        // Labels on most tickets, so every writer below also moves, adds or removes label counts.
        var red = await LabelAsync(owner, inbox, "赤");
        var blue = await LabelAsync(owner, inbox, "青");
        var doomed = await LabelAsync(owner, inbox, "消す");
        var elsewhere = await LabelAsync(owner, other, "他");
        await Patch(owner, t[0], new { labelIds = new[] { red, blue } });
        await Patch(owner, t[8], new { labelIds = new[] { elsewhere } });
        await Bulk(owner, new { ticketIds = t[1..8], addLabelIds = new[] { red, doomed } });
        await Bulk(owner, new { ticketIds = new[] { t[2], t[3] }, removeLabelIds = new[] { red }, addLabelIds = new[] { blue } });
        await AssertExactAsync(app, actor, inbox, other);

        // A reply reopens a closed ticket (the pipeline's update).
        await Patch(owner, t[0], new { status = "closed" });
        var first = await app.WithDbAsync(db => db.TicketMessages.Where(m => m.TicketId == t[0]).Select(m => m.MessageIdHeader).FirstAsync());
        await app.ReceiveAsync(inbox, Eml(Id(), subject: "Re: 件名 0", inReplyTo: first));
        await AssertExactAsync(app, actor, inbox, other);
        var reason = (await (await owner.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/pending-reasons", new { name = "返事待ち" })).ReadAsync<JsonObject>())["id"]!.GetValue<Guid>();
        await Patch(owner, t[1], new { pendingReasonId = reason });
        await Patch(owner, t[2], new { status = "pending" });
        await Patch(owner, t[3], new { assigneeId = account.Owner.Id });
        await AssertExactAsync(app, actor, inbox, other);
        await Bulk(owner, new { ticketIds = new[] { t[3], t[4] }, status = "noAction" });
        await Bulk(owner, new { ticketIds = new[] { t[4], t[5] }, place = "trash" });
        await Bulk(owner, new { ticketIds = new[] { t[6] }, place = "spam" });
        await AssertExactAsync(app, actor, inbox, other);
        await Bulk(owner, new { ticketIds = new[] { t[6] }, place = "inbox" });
        await Bulk(owner, new { ticketIds = new[] { t[1], t[7] }, inboxId = other });
        await Patch(owner, t[8], new { inboxId = inbox, labelIds = new[] { blue } });
        await AssertExactAsync(app, actor, inbox, other);
        // Deleting a label takes it off every ticket (a foreign key's cascade on TicketLabels).
        await (await owner.DeleteAsync($"/api/v1/inboxes/{inbox}/labels/{doomed}")).AssertStatusAsync(HttpStatusCode.NoContent);
        await AssertExactAsync(app, actor, inbox, other);
        // Deleting a 保留理由 sets the tickets' reason to null (a foreign key's SET NULL).
        await Patch(owner, t[8], new { pendingReasonId = reason });
        await (await owner.DeleteAsync($"/api/v1/inboxes/{inbox}/pending-reasons/{reason}")).AssertStatusAsync(HttpStatusCode.NoContent);
        await AssertExactAsync(app, actor, inbox, other);
        (await owner.DeleteAsync($"/api/v1/tickets/{t[2]}")).EnsureSuccessStatusCode();
        (await owner.PostAsync($"/api/v1/inboxes/{inbox}/empty-trash", null)).EnsureSuccessStatusCode();
        await AssertExactAsync(app, actor, inbox, other);
        // Retention: closed tickets of an inbox with auto-delete, long ago.
        await Patch(owner, t[7], new { status = "closed" });
        (await owner.PutAsJsonAsync($"/api/v1/inboxes/{other}/retention", new { autoDeleteClosedAfterDays = 90 })).EnsureSuccessStatusCode();
        await app.WithDbAsync(db => db.Tickets.Where(x => x.Id == t[7]).ExecuteUpdateAsync(s => s.SetProperty(x => x.ClosedAt, DateTime.UtcNow.AddDays(-200))));
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<RunRetentionCommand>().HandleAsync(CancellationToken.None);
        Assert.False(await app.WithDbAsync(db => db.Tickets.AnyAsync(x => x.Id == t[7])));
        await AssertExactAsync(app, actor, inbox, other);
        // Deleting an inbox cascades to its tickets (stored directly: no originals); their counts go with them.
        var gone = (await account.CreateInboxAsync()).Id;
        await StoreTicketsAsync(app, account.Id, gone, 3);
        var goneLabel = await LabelAsync(owner, gone, "消える");
        await Bulk(owner, new { ticketIds = await app.WithDbAsync(db => db.Tickets.Where(x => x.InboxId == gone).Select(x => x.Id).ToListAsync()), addLabelIds = new[] { goneLabel } });
        await AssertExactAsync(app, actor, inbox, other, gone);
        await (await owner.DeleteAsync($"/api/v1/inboxes/{gone}")).AssertStatusAsync(HttpStatusCode.NoContent);
        await AssertExactAsync(app, actor, inbox, other, gone);
        Assert.Equal(0, await app.WithDbAsync(db => db.TicketBucketCounts.Where(d => d.InboxId == gone).SumAsync(d => d.Delta)));
        Assert.Equal(0, await app.WithDbAsync(db => db.TicketLabelCounts.Where(d => d.InboxId == gone).SumAsync(d => d.Delta)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ConcurrentMovesInOppositeDirections_WithCompactions_EndExact_NoDeadlock(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var a = (await account.CreateInboxAsync()).Id;
        var b = (await account.CreateInboxAsync()).Id;
        var owner = await account.SignInOwnerAsync();
        var actor = Actor.User(account.Owner.Id, account.Id, account.Owner.Email, null);
        var inA = await StoreTicketsAsync(app, account.Id, a, 40);
        var inB = await StoreTicketsAsync(app, account.Id, b, 40);
        var labelA = await LabelAsync(owner, a, "A");
        var labelB = await LabelAsync(owner, b, "B");
        await app.WithDbAsync(db =>
        {
            db.TicketLabels.AddRange(inA.Where((_, i) => i % 2 == 0).Select(id => new Madoguchi.Core.Tickets.Labels.TicketLabel { TicketId = id, LabelId = labelA }));
            db.TicketLabels.AddRange(inB.Where((_, i) => i % 3 == 0).Select(id => new Madoguchi.Core.Tickets.Labels.TicketLabel { TicketId = id, LabelId = labelB }));
            return db.SaveChangesAsync();
        });

        // Each writer moves its own tickets back and forth in multi-ticket transactions (every transaction touches the
        // counts of both inboxes, in the opposite order of its peer); two API clients move others in bulk; a compaction
        // runs in a loop beside them.
        Task Mover(List<Guid> tickets, Guid from, Guid to) => Task.Run(async () =>
        {
            for (var round = 0; round < 6; round++)
            {
                var (source, target) = round % 2 == 0 ? (from, to) : (to, from);
                await app.WithDbAsync(async db =>
                {
                    await using var transaction = await db.Database.BeginTransactionAsync();
                    foreach (var id in tickets)
                        await db.Tickets.Where(x => x.Id == id && x.InboxId == source)
                            .ExecuteUpdateAsync(s => s.SetProperty(x => x.InboxId, target).SetProperty(x => x.Status, (TicketStatus)(round % 4)));
                    await transaction.CommitAsync();
                    return 0;
                });
            }
        });
        using var stop = new CancellationTokenSource();
        var compactions = 0;
        var compactor = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await using var scope = app.Services.CreateAsyncScope();
                if (await scope.ServiceProvider.GetRequiredService<CompactTicketBucketCountsCommand>().HandleAsync([a, b], CancellationToken.None))
                    Interlocked.Increment(ref compactions);
            }
        });
        // Labels put on and taken off the moving tickets meanwhile: each must land in the bucket its ticket is in.
        var labeller = Task.Run(async () =>
        {
            for (var round = 0; round < 6; round++)
                foreach (var id in inA[..20].Where((_, i) => i % 2 == 1))
                    await app.WithDbAsync(async db =>
                    {
                        if (round % 2 == 0)
                            db.TicketLabels.Add(new Madoguchi.Core.Tickets.Labels.TicketLabel { TicketId = id, LabelId = labelB });
                        else
                            await db.TicketLabels.Where(x => x.TicketId == id && x.LabelId == labelB).ExecuteDeleteAsync();
                        return await db.SaveChangesAsync();
                    });
        });
        var writers = new List<Task>
        {
            labeller, Mover(inA[..10], a, b), Mover(inB[..10], b, a), Mover(inA[10..20], a, b), Mover(inB[10..20], b, a),
            Bulk(owner, new { ticketIds = inA[20..40], inboxId = b }),
            Bulk(await account.SignInOwnerAsync(), new { ticketIds = inB[20..40], inboxId = a }),
        };
        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await compactor;

        Assert.True(compactions > 0);
        await AssertExactAsync(app, actor, a, b);
        Assert.Equal(80, await app.WithDbAsync(db => db.TicketBucketCounts.Where(d => d.InboxId == a || d.InboxId == b).SumAsync(d => d.Delta)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Compaction_FoldsToOneRowPerBucket_CountsUnchanged_ReadFoldsWhenCrowded_ListTotalFromCounts(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = (await account.CreateInboxAsync()).Id;
        var owner = await account.SignInOwnerAsync();
        var actor = Actor.User(account.Owner.Id, account.Id, account.Owner.Email, null);
        var tickets = await StoreTicketsAsync(app, account.Id, inbox, 30);
        var label = await LabelAsync(owner, inbox, "全部");
        await Bulk(owner, new { ticketIds = tickets, addLabelIds = new[] { label } });
        // Status changes back and forth: many rows, few buckets.
        for (var round = 0; round < 8; round++)
            await app.WithDbAsync(db => db.Tickets.Where(x => tickets.Contains(x.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, x => x.Status == TicketStatus.Open ? TicketStatus.Closed : TicketStatus.Open)));
        await app.WithDbAsync(db => db.Tickets.Where(x => x.Id == tickets[0]).ExecuteUpdateAsync(s => s.SetProperty(x => x.Place, TicketPlace.Spam)));
        var rowsBefore = await RowsAsync(app, inbox);

        // Reading the navigation folds them (more than CompactAfterExtraRows rows beyond one per bucket).
        await AssertExactAsync(app, actor, inbox);
        Assert.True(rowsBefore > CountTicketBucketsQuery.CompactAfterExtraRows);
        Assert.Equal(2, await RowsAsync(app, inbox));
        Assert.Equal(2, await LabelRowsAsync(app, inbox));
        await AssertExactAsync(app, actor, inbox);

        await app.WithDbAsync(db => db.Tickets.Where(x => x.Id == tickets[1]).ExecuteUpdateAsync(s => s.SetProperty(x => x.Place, TicketPlace.Trash)));
        await app.WithDbAsync(db => db.Tickets.Where(x => x.Id == tickets[1]).ExecuteDeleteAsync());
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<CompactTicketBucketCountsCommand>().HandleAsync([inbox], CancellationToken.None));
        Assert.Equal(2, await RowsAsync(app, inbox));
        Assert.Equal(2, await LabelRowsAsync(app, inbox));
        await AssertExactAsync(app, actor, inbox);

        // A label put on and taken off, again and again, piles up label rows without any bucket change; the label's tab
        // folds them when it reads its total.
        for (var round = 0; round < 20; round++)
            await Patch(owner, tickets[2], new { labelIds = round % 2 == 0 ? Array.Empty<Guid>() : new[] { label } });
        Assert.Equal(22, await LabelRowsAsync(app, inbox));
        for (var round = 0; round < 200; round++)
            await app.WithDbAsync(db => round % 2 == 0
                ? db.TicketLabels.Where(x => x.TicketId == tickets[3]).ExecuteDeleteAsync()
                : db.Database.ExecuteSqlAsync($"INSERT INTO \"TicketLabels\" (\"TicketId\", \"LabelId\") VALUES ({tickets[3]}, {label})"));
        Assert.True(await LabelRowsAsync(app, inbox) > CountTicketBucketsQuery.CompactAfterExtraRows);
        var labelled = await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox}&status=open&label={label}&limit=5");
        Assert.Equal(28, labelled!["total"]!.GetValue<int>());
        Assert.Equal(2, await LabelRowsAsync(app, inbox));
        await AssertExactAsync(app, actor, inbox);

        // A full page of a whole bucket answers its total from the kept counts; a filtered tab still counts.
        var open = await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox}&status=open&limit=5");
        var spam = await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox}&place=spam&limit=1");
        var everyInbox = await owner.GetFromJsonAsync<JsonObject>("/api/v1/tickets?status=open&limit=5");
        var nobody = await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox}&status=open&assignee=none&limit=5");
        Assert.Equal(28, open!["total"]!.GetValue<int>());
        Assert.Equal(1, spam!["total"]!.GetValue<int>());
        Assert.Equal(28, everyInbox!["total"]!.GetValue<int>());
        Assert.Equal(28, nobody!["total"]!.GetValue<int>());

        // The label tab's total is the kept label counts' (a stray +100 row shows in it), and so is a deep page's.
        await app.WithDbAsync(db =>
        {
            db.TicketLabelCounts.Add(new TicketLabelDelta { InboxId = inbox, LabelId = label, Place = TicketPlace.Inbox, Status = TicketStatus.Open, Delta = 100 });
            return db.SaveChangesAsync();
        });
        Assert.Equal(128, (await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox}&status=open&label={label}&limit=5"))!["total"]!.GetValue<int>());
        Assert.Equal(128, (await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox}&status=open&label={label}&offset=5&limit=5"))!["total"]!.GetValue<int>());
        Assert.Equal(28, (await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox}&status=open&label={label}&assignee=none&limit=5"))!["total"]!.GetValue<int>());
        // A counted tab's total, read inside a full page, from a page that is not full, and alone past the end.
        foreach (var (offset, items) in new[] { (10, 5), (25, 3), (40, 0) })
        {
            var page = (await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox}&status=open&label={label}&assignee=none&offset={offset}&limit=5"))!;
            Assert.Equal((28, items), (page["total"]!.GetValue<int>(), page["items"]!.AsArray().Count));
        }
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Migration_FillsTheCountsFromTheTicketsAlreadyThere(DatabaseProvider provider)
    {
        // Migrated by the app's own start, as an installation is, before the counts migration is undone and redone.
        await using var app = await MadoguchiApp.StartAsync(provider, emptyDatabase: true);
        var account = await app.CreateAccountAsync();
        var inbox = (await account.CreateInboxAsync()).Id;
        var other = (await account.CreateInboxAsync()).Id;
        var actor = Actor.User(account.Owner.Id, account.Id, account.Owner.Email, null);
        var tickets = await StoreTicketsAsync(app, account.Id, inbox, 12);
        var others = await StoreTicketsAsync(app, account.Id, other, 3);
        var owner = await account.SignInOwnerAsync();
        var label = await LabelAsync(owner, inbox, "前から");
        var otherLabel = await LabelAsync(owner, other, "前から");
        await Bulk(owner, new { ticketIds = tickets[..8], addLabelIds = new[] { label } });
        await Bulk(owner, new { ticketIds = others, addLabelIds = new[] { otherLabel } });

        await app.WithDbAsync(async db =>
        {
            var migrations = db.Database.GetMigrations().ToList();
            var counts = migrations.FindIndex(m => m.EndsWith("_H6CountsBuckets", StringComparison.Ordinal));
            var migrator = db.GetInfrastructure().GetRequiredService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>();
            await migrator.MigrateAsync(migrations[counts - 1]);
            // Tickets written before the counts existed: other statuses and places.
            await db.Tickets.Where(x => tickets.Take(4).Contains(x.Id)).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, TicketStatus.Closed));
            await db.Tickets.Where(x => x.Id == tickets[5]).ExecuteUpdateAsync(s => s.SetProperty(x => x.Place, TicketPlace.Trash));
            await db.Tickets.Where(x => x.Id == tickets[6]).ExecuteDeleteAsync();
            await migrator.MigrateAsync();
            return 0;
        });

        await AssertExactAsync(app, actor, inbox, other);
        Assert.Equal(14, await app.WithDbAsync(db => db.TicketBucketCounts.SumAsync(d => d.Delta)));
        // Eight labelled in the first inbox, one of them deleted before; three in the other.
        Assert.Equal(10, await app.WithDbAsync(db => db.TicketLabelCounts.SumAsync(d => d.Delta)));
    }

    private sealed record LabelBucket(Guid InboxId, Guid LabelId, TicketPlace Place, TicketStatus Status, int Count)
    {
        public string Key => $"{InboxId}/{LabelId}/{Place}/{Status}";
    }

    private static async Task<Guid> LabelAsync(HttpClient owner, Guid inbox, string name) =>
        (await (await owner.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/labels", new { name, color = "#1e88e5" })).ReadAsync<JsonObject>())["id"]!.GetValue<Guid>();

    private sealed record Bucket(Guid InboxId, TicketPlace Place, TicketStatus Status, Guid? PendingReasonId, int Count)
    {
        public string Key => $"{InboxId}/{Place}/{Status}/{PendingReasonId}";
    }

    /// <summary>The kept counts equal a GROUP BY over the tickets, and the navigation's counts agree.</summary>
    private static async Task AssertExactAsync(MadoguchiApp app, Actor actor, params Guid[] inboxes)
    {
        var (kept, counted) = await app.WithDbAsync(async db => (
            await db.TicketBucketCounts.Where(d => inboxes.Contains(d.InboxId))
                .GroupBy(d => new { d.InboxId, d.Place, d.Status, d.PendingReasonId })
                .Select(g => new Bucket(g.Key.InboxId, g.Key.Place, g.Key.Status, g.Key.PendingReasonId, g.Sum(d => d.Delta))).ToListAsync(),
            await db.Tickets.Where(x => inboxes.Contains(x.InboxId))
                .GroupBy(x => new { x.InboxId, x.Place, x.Status, x.PendingReasonId })
                .Select(g => new Bucket(g.Key.InboxId, g.Key.Place, g.Key.Status, g.Key.PendingReasonId, g.Count())).ToListAsync()));
        Assert.Equal(counted.OrderBy(x => x.Key), kept.Where(x => x.Count != 0).OrderBy(x => x.Key));
        var (keptLabels, countedLabels) = await app.WithDbAsync(async db => (
            await db.TicketLabelCounts.Where(d => inboxes.Contains(d.InboxId))
                .GroupBy(d => new { d.InboxId, d.LabelId, d.Place, d.Status })
                .Select(g => new LabelBucket(g.Key.InboxId, g.Key.LabelId, g.Key.Place, g.Key.Status, g.Sum(d => d.Delta))).ToListAsync(),
            await db.TicketLabels.Join(db.Tickets, x => x.TicketId, x => x.Id, (l, x) => new { x.InboxId, l.LabelId, x.Place, x.Status })
                .Where(x => inboxes.Contains(x.InboxId))
                .GroupBy(x => new { x.InboxId, x.LabelId, x.Place, x.Status })
                .Select(g => new LabelBucket(g.Key.InboxId, g.Key.LabelId, g.Key.Place, g.Key.Status, g.Count())).ToListAsync()));
        Assert.Equal(countedLabels.OrderBy(x => x.Key), keptLabels.Where(x => x.Count != 0).OrderBy(x => x.Key));

        await using var scope = app.Services.CreateAsyncScope();
        var nav = (await scope.ServiceProvider.GetRequiredService<CountTicketBucketsQuery>().HandleAsync(actor, CancellationToken.None)).Value!;
        foreach (var inbox in inboxes.Where(i => nav.Any(n => n.InboxId == i)))
        {
            var shown = nav.Single(n => n.InboxId == inbox);
            var mine = counted.Where(x => x.InboxId == inbox).ToList();
            foreach (var status in Enum.GetValues<TicketStatus>())
                Assert.Equal(mine.Where(x => x.Place == TicketPlace.Inbox && x.Status == status).Sum(x => x.Count), shown.Status(status));
            Assert.Equal(mine.Where(x => x.Place == TicketPlace.Trash).Sum(x => x.Count), shown.Trash);
            Assert.Equal(mine.Where(x => x.Place == TicketPlace.Spam).Sum(x => x.Count), shown.Spam);
            Assert.Equal(mine.Where(x => x is { Place: TicketPlace.Inbox, Status: TicketStatus.Pending, PendingReasonId: null }).Sum(x => x.Count), shown.PendingWithoutReason);
        }
    }

    private static Task<int> RowsAsync(MadoguchiApp app, Guid inbox) => app.WithDbAsync(db => db.TicketBucketCounts.CountAsync(d => d.InboxId == inbox));

    private static Task<int> LabelRowsAsync(MadoguchiApp app, Guid inbox) => app.WithDbAsync(db => db.TicketLabelCounts.CountAsync(d => d.InboxId == inbox));

    private static Task<List<Guid>> StoreTicketsAsync(MadoguchiApp app, Guid account, Guid inbox, int count) => app.WithDbAsync(async db =>
    {
        var now = DateTime.UtcNow;
        var tickets = Enumerable.Range(0, count).Select(i => new Ticket
        {
            AccountId = account, InboxId = inbox, Subject = $"チケット {i}", Status = TicketStatus.Open, Place = TicketPlace.Inbox,
            MessageCount = 1, LastMessageAt = now.AddMinutes(-i), CreatedAt = now.AddMinutes(-i), Version = 1,
        }).ToList();
        db.Tickets.AddRange(tickets);
        await db.SaveChangesAsync();
        return tickets.Select(x => x.Id).ToList();
    });

    private static async Task Patch(HttpClient client, Guid ticket, object body) =>
        await (await client.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", body)).AssertStatusAsync(HttpStatusCode.OK);

    private static async Task Bulk(HttpClient client, object body)
    {
        var result = await (await client.PostAsJsonAsync("/api/v1/tickets/bulk", body)).ReadAsync<JsonObject>();
        Assert.All(result["items"]!.AsArray(), item => Assert.True(item!["succeeded"]!.GetValue<bool>(), item.ToJsonString()));
    }
}
