using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Tickets.Live;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Madoguchi.IntegrationTests.Tickets.TicketTestData;
using static Madoguchi.Testing.App.InboundMail;

namespace Madoguchi.IntegrationTests.Tickets;

/// <summary>Team work on a ticket: assignee, labels, 保留理由, comments and mentions, notifications, history, the audit log,
/// concurrent edits, bulk changes, list filters and sorts, and the change feed. One app per database for the class;
/// every test makes its own account.</summary>
public sealed class TeamWorkTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Patch_AssigneeLabelsPendingReason_ShownOnTicket_RecordedInHistoryAndAudit_AssigneeNotified(DatabaseProvider provider)
    {
        var (app, account, inbox, owner) = await WorldAsync(provider);
        var member = await account.AddActiveUserAsync(owner, "佐藤", "次郎");
        await SetRoleAsync(owner, inbox, member.Id, "operator");
        var memberClient = await app.SignInAsync(member.Email);
        var ticket = await ReceiveAsync(app, inbox, "請求書の再発行");
        var parent = await CreateLabelAsync(owner, inbox, "請求", "#ff0000");
        var child = await CreateLabelAsync(owner, inbox, "再発行", "#00ff00", parent);
        var reason = await (await owner.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/pending-reasons", new { name = "お客様の返事待ち" })).ReadAsync<JsonObject>();

        var patched = await (await owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}",
            new { assigneeId = member.Id, labelIds = new[] { child }, pendingReasonId = reason["id"]!.GetValue<Guid>() })).ReadAsync<JsonObject>();
        var shown = await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ticket}");
        var unassigned = await (await owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { assigneeId = (Guid?)null, status = "closed" })).ReadAsync<JsonObject>();
        var history = await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ticket}/history");
        var bell = await memberClient.GetFromJsonAsync<JsonObject>("/api/v1/notifications");
        var labels = await owner.GetFromJsonAsync<JsonArray>($"/api/v1/inboxes/{inbox}/labels");

        Assert.Equal(member.Id, patched["assigneeId"]!.GetValue<Guid>());
        Assert.Equal("pending", patched["status"]!.GetValue<string>());
        Assert.Equal(member.Id, shown!["assigneeId"]!.GetValue<Guid>());
        Assert.Equal(reason["id"]!.GetValue<Guid>(), shown["pendingReasonId"]!.GetValue<Guid>());
        Assert.Equal([child], shown["labelIds"]!.AsArray().Select(x => x!.GetValue<Guid>()));
        Assert.Null(unassigned["assigneeId"]);
        Assert.Null(unassigned["pendingReasonId"]);
        Assert.Contains(labels!, l => l!["path"]!.GetValue<string>() == "請求 › 再発行");
        var lines = history!["items"]!.AsArray().Select(e => $"{e!["field"]}:{e["from"]}→{e["to"]}").ToList();
        Assert.Contains("assignee:→佐藤 次郎", lines);
        Assert.Contains("labels:→請求 › 再発行", lines);
        Assert.Contains("status:Open→Pending", lines);
        Assert.Contains("pendingReason:→お客様の返事待ち", lines);
        Assert.Contains("assignee:佐藤 次郎→", lines);
        Assert.Contains("status:Pending→Closed", lines);
        Assert.Contains("pendingReason:お客様の返事待ち→", lines);
        Assert.All(history["items"]!.AsArray(), e => Assert.Equal(account.Owner.Id, e!["actorUserId"]!.GetValue<Guid>()));
        Assert.Equal(1, bell!["unread"]!.GetValue<int>());
        Assert.Equal("assigned", bell["items"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal(ticket, bell["items"]![0]!["ticketId"]!.GetValue<Guid>());
        var actions = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.AccountId == account.Id).Select(e => e.Action).ToListAsync());
        Assert.Contains(AuditAction.TicketAssigned, actions);
        Assert.Contains(AuditAction.TicketLabelsChanged, actions);
        Assert.Contains(AuditAction.TicketStatusChanged, actions);
        Assert.Contains(AuditAction.LabelCreated, actions);
        Assert.Contains(AuditAction.PendingReasonCreated, actions);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Patch_InvalidAssigneeLabelOrReason_Refused_NothingChanges(DatabaseProvider provider)
    {
        var (app, account, inbox, owner) = await WorldAsync(provider);
        var otherInbox = (await account.CreateInboxAsync()).Id;
        var ticket = await ReceiveAsync(app, inbox, "件名");
        var noRole = await account.AddActiveUserAsync(owner);
        var foreignLabel = await CreateLabelAsync(owner, otherInbox, "他", "#123456");
        var foreignReason = await (await owner.PostAsJsonAsync($"/api/v1/inboxes/{otherInbox}/pending-reasons", new { name = "他" })).ReadAsync<JsonObject>();
        var stranger = (await app.CreateAccountAsync()).Owner;

        await AssertProblemAsync(await owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { assigneeId = noRole.Id }), HttpStatusCode.BadRequest, "invalid_assignee");
        await AssertProblemAsync(await owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { assigneeId = stranger.Id }), HttpStatusCode.BadRequest, "invalid_assignee");
        await AssertProblemAsync(await owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { labelIds = new[] { foreignLabel } }), HttpStatusCode.BadRequest, "invalid_label");
        await AssertProblemAsync(await owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { pendingReasonId = foreignReason["id"] }), HttpStatusCode.BadRequest, "invalid_pending_reason");
        await AssertProblemAsync(await owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { pendingReasonId = foreignReason["id"], status = "closed" }), HttpStatusCode.BadRequest, "pending_reason_needs_pending");
        await AssertProblemAsync(await owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { status = "done" }), HttpStatusCode.BadRequest, "invalid_status");
        await AssertProblemAsync(await owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { colour = "red" }), HttpStatusCode.BadRequest, "invalid_body");

        var shown = await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ticket}");
        Assert.Null(shown!["assigneeId"]);
        Assert.Empty(shown["labelIds"]!.AsArray());
        Assert.Equal("open", shown["status"]!.GetValue<string>());
        Assert.Equal(1, shown["version"]!.GetValue<int>());
        Assert.Equal(0, await app.WithDbAsync(db => db.TicketHistory.CountAsync(e => e.TicketId == ticket)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ConcurrentEdits_TwoClientsWithTheSameVersion_SecondGets409WithCurrentState_NothingLost(DatabaseProvider provider)
    {
        var (app, account, inbox, owner) = await WorldAsync(provider);
        var member = await account.AddActiveUserAsync(owner);
        await SetRoleAsync(owner, inbox, member.Id, "operator");
        var other = await app.SignInAsync(member.Email);
        var ticket = await ReceiveAsync(app, inbox, "同時編集");
        var loaded = await owner.GetAsync($"/api/v1/tickets/{ticket}");
        var version = (await loaded.Content.ReadFromJsonAsync<JsonObject>())!["version"]!.GetValue<int>();
        Assert.Equal($"\"{version}\"", loaded.Headers.ETag!.Tag);

        var answers = await Task.WhenAll(
            owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { status = "closed", version }),
            other.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { status = "noAction", version }));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        var refused = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Conflict);
        var problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("ticket_changed", problem["code"]!.GetValue<string>());
        var winner = (await answers.Single(a => a.StatusCode == HttpStatusCode.OK).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(version + 1, problem["current"]!["version"]!.GetValue<int>());
        Assert.Equal(winner["status"]!.GetValue<string>(), problem["current"]!["status"]!.GetValue<string>());

        // If-Match: a stale ETag is refused, the current one goes through.
        var stale = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{ticket}") { Content = JsonContent.Create(new { status = "open" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", $"\"{version}\"");
        await AssertProblemAsync(await other.SendAsync(stale), HttpStatusCode.Conflict, "ticket_changed");
        var fresh = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/tickets/{ticket}") { Content = JsonContent.Create(new { status = "open" }) };
        fresh.Headers.TryAddWithoutValidation("If-Match", $"\"{version + 1}\"");
        var ok = await (await other.SendAsync(fresh)).ReadAsync<JsonObject>();
        Assert.Equal(version + 2, ok["version"]!.GetValue<int>());
        var statusLines = (await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ticket}/history"))!["items"]!.AsArray()
            .Where(e => e!["field"]!.GetValue<string>() == "status").ToList();
        Assert.Equal(2, statusLines.Count);

        // A received reply is a change too: a writer who loaded the ticket before it is refused.
        var before = (await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ticket}"))!["version"]!.GetValue<int>();
        await app.ReceiveAsync(inbox, Eml(Id(), subject: "Re: 同時編集", inReplyTo: await FirstMessageIdAsync(app, ticket)));
        await AssertProblemAsync(await owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { status = "closed", version = before }), HttpStatusCode.Conflict, "ticket_changed");
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Roles_NoneSeesNothing_AssistantCommentsButCannotMove_MoveNeedsManagerOnBothInboxes(DatabaseProvider provider)
    {
        var (app, account, inbox, owner) = await WorldAsync(provider);
        var target = (await account.CreateInboxAsync()).Id;
        var ticket = await ReceiveAsync(app, inbox, "移動");
        var label = await CreateLabelAsync(owner, inbox, "移動前", "#abcdef");
        await owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { labelIds = new[] { label } });
        var none = await UserWithRolesAsync(app, account, owner, (inbox, "none"), (target, "manager"));
        var assistant = await UserWithRolesAsync(app, account, owner, (inbox, "assistant"), (target, "manager"));
        var managerHere = await UserWithRolesAsync(app, account, owner, (inbox, "manager"), (target, "operator"));
        var managerBoth = await UserWithRolesAsync(app, account, owner, (inbox, "manager"), (target, "manager"));

        Assert.Equal(0, (await none.GetFromJsonAsync<JsonObject>($"/api/v1/tickets"))!["total"]!.GetValue<int>());
        // Whether the user sees one inbox is tested inside the list's queries: every shape of them (page, kept totals, a
        // deep page, counted tabs, label tabs) answers 404 to 権限なし, and the ticket to アシスタント.
        foreach (var tab in new[] { "", "&status=open", "&offset=50", "&status=open&offset=50", "&assignee=none", $"&label={label}",
            $"&status=open&label={label}&offset=50", "&status=pending&pendingReason=none", "&place=trash" })
        {
            await AssertProblemAsync(await none.GetAsync($"/api/v1/tickets?inbox={inbox}{tab}"), HttpStatusCode.NotFound, "not_found");
            var seen = (await assistant.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox}{tab}"))!;
            var expected = tab is "&status=pending&pendingReason=none" or "&place=trash" ? 0 : 1;
            Assert.True(expected == seen["total"]!.GetValue<int>(), $"{tab}: {seen}");
            if (expected == 1 && !tab.Contains("offset", StringComparison.Ordinal))
                Assert.Equal(ticket, seen["items"]![0]!["id"]!.GetValue<Guid>());
        }
        await AssertProblemAsync(await none.GetAsync($"/api/v1/tickets/{ticket}/comments"), HttpStatusCode.NotFound, "not_found");
        await AssertProblemAsync(await none.PostAsJsonAsync($"/api/v1/tickets/{ticket}/comments", new { body = "見えない" }), HttpStatusCode.NotFound, "not_found");
        await AssertProblemAsync(await none.GetAsync($"/api/v1/tickets/{ticket}/history"), HttpStatusCode.NotFound, "not_found");
        await AssertProblemAsync(await none.GetAsync($"/api/v1/inboxes/{inbox}/labels"), HttpStatusCode.NotFound, "not_found");

        Assert.Equal(HttpStatusCode.OK, (await assistant.PostAsJsonAsync($"/api/v1/tickets/{ticket}/comments", new { body = "アシスタントのメモ" })).StatusCode);
        await AssertProblemAsync(await assistant.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { inboxId = target }), HttpStatusCode.Forbidden, "inbox_role_too_low");
        await AssertProblemAsync(await assistant.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/labels", new { name = "x", color = "#000000" }), HttpStatusCode.Forbidden, "inbox_role_too_low");
        await AssertProblemAsync(await assistant.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/pending-reasons", new { name = "x" }), HttpStatusCode.Forbidden, "inbox_role_too_low");
        await AssertProblemAsync(await managerHere.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { inboxId = target }), HttpStatusCode.Forbidden, "inbox_role_too_low");
        Assert.Equal(inbox, (await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ticket}"))!["inboxId"]!.GetValue<Guid>());

        var moved = await (await managerBoth.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { inboxId = target })).ReadAsync<JsonObject>();

        Assert.Equal(target, moved["inboxId"]!.GetValue<Guid>());
        Assert.Empty(moved["labelIds"]!.AsArray());
        Assert.Equal(1, (await none.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={target}"))!["total"]!.GetValue<int>());
        await AssertProblemAsync(await assistant.GetAsync($"/api/v1/tickets/{ticket}/comments"), HttpStatusCode.OK, null);
        Assert.True(await app.WithDbAsync(db => db.TicketMessages.AllAsync(m => m.TicketId != ticket || m.InboxId == target)));
        var history = (await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ticket}/history"))!["items"]!.AsArray();
        Assert.Contains(history, e => e!["field"]!.GetValue<string>() == "inbox");
        Assert.Contains(AuditAction.TicketMoved, await app.WithDbAsync(db => db.AuditEntries.Where(e => e.AccountId == account.Id).Select(e => e.Action).ToListAsync()));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Bulk_OneChangeForManyTickets_ResultPerTicket_RoleChecksPerTicket(DatabaseProvider provider)
    {
        var (app, account, inbox, owner) = await WorldAsync(provider);
        var hidden = (await account.CreateInboxAsync()).Id;
        var a = await ReceiveAsync(app, inbox, "一括1");
        var b = await ReceiveAsync(app, inbox, "一括2");
        var c = await ReceiveAsync(app, hidden, "見えない受信箱");
        var label = await CreateLabelAsync(owner, inbox, "一括", "#010203");
        var reason = (await (await owner.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/pending-reasons", new { name = "確認中" })).ReadAsync<JsonObject>())["id"]!.GetValue<Guid>();
        var operatorClient = await UserWithRolesAsync(app, account, owner, (inbox, "operator"));

        var result = await (await operatorClient.PostAsJsonAsync("/api/v1/tickets/bulk",
            new { ticketIds = new[] { a, b, c }, status = "pending", pendingReasonId = reason, assigneeId = (Guid?)null, addLabelIds = new[] { label } })).ReadAsync<JsonObject>();
        var trashed = await (await owner.PostAsJsonAsync("/api/v1/tickets/bulk", new { ticketIds = new[] { a, b }, place = "trash" })).ReadAsync<JsonObject>();
        var back = await (await owner.PostAsJsonAsync("/api/v1/tickets/bulk", new { ticketIds = new[] { a }, place = "inbox", removeLabelIds = new[] { label } })).ReadAsync<JsonObject>();
        var spam = await (await owner.PostAsJsonAsync("/api/v1/tickets/bulk", new { ticketIds = new[] { b }, place = "spam" })).ReadAsync<JsonObject>();

        var items = result["items"]!.AsArray();
        Assert.Equal(3, items.Count);
        Assert.True(items[0]!["succeeded"]!.GetValue<bool>());
        Assert.True(items[1]!["succeeded"]!.GetValue<bool>());
        Assert.False(items[2]!["succeeded"]!.GetValue<bool>());
        Assert.Equal("not_found", items[2]!["code"]!.GetValue<string>());
        Assert.Equal(reason, items[0]!["ticket"]!["pendingReasonId"]!.GetValue<Guid>());
        Assert.Equal([label], items[1]!["ticket"]!["labelIds"]!.AsArray().Select(x => x!.GetValue<Guid>()));
        Assert.All(trashed["items"]!.AsArray(), i => Assert.Equal("trash", i!["ticket"]!["place"]!.GetValue<string>()));
        Assert.Empty(back["items"]![0]!["ticket"]!["labelIds"]!.AsArray());
        Assert.Equal("inbox", back["items"]![0]!["ticket"]!["place"]!.GetValue<string>());
        Assert.Equal("spam", spam["items"]![0]!["ticket"]!["place"]!.GetValue<string>());
        Assert.Equal("open", (await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{c}"))!["status"]!.GetValue<string>());
        // Every ticket the bulk change reached has its history lines; the refused one has none; the audit log has them all.
        var historyA = (await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{a}/history"))!["items"]!.AsArray()
            .Select(e => $"{e!["field"]}:{e["from"]}→{e["to"]}").ToList();
        Assert.Contains("status:Open→Pending", historyA);
        Assert.Contains("pendingReason:→確認中", historyA);
        Assert.Contains("labels:→一括", historyA);
        Assert.Contains("labels:一括→", historyA);
        Assert.Contains("place:Inbox→Trash", historyA);
        Assert.Empty((await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{c}/history"))!["items"]!.AsArray());
        var audit = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.AccountId == account.Id).Select(e => new { e.Action, e.Detail }).ToListAsync());
        Assert.Equal(2, audit.Count(e => e.Action == AuditAction.TicketStatusChanged));
        Assert.Equal(3, audit.Count(e => e.Action == AuditAction.TicketLabelsChanged));
        Assert.Equal(4, audit.Count(e => e.Action == AuditAction.TicketPlaceChanged));
        Assert.DoesNotContain(audit, e => e.Detail != null && e.Detail.Contains(c.ToString(), StringComparison.Ordinal));
        await AssertProblemAsync(await owner.PostAsJsonAsync("/api/v1/tickets/bulk", new { ticketIds = Enumerable.Range(0, 51).Select(_ => Guid.NewGuid()), place = "trash" }), HttpStatusCode.BadRequest, "invalid_ticket_ids");
        await AssertProblemAsync(await owner.PostAsJsonAsync("/api/v1/tickets/bulk", new { ticketIds = new[] { a } }), HttpStatusCode.BadRequest, "nothing_to_change");
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Comments_MentionAndAll_NotifyMembersOnly_ReadOneAndAll(DatabaseProvider provider)
    {
        var (app, account, inbox, owner) = await WorldAsync(provider);
        var ticket = await ReceiveAsync(app, inbox, "コメント");
        var b = await account.AddActiveUserAsync(owner, "鈴木", "一郎");
        var c = await account.AddActiveUserAsync(owner, "高橋", "三郎");
        var outsider = await account.AddActiveUserAsync(owner, "外部", "者");
        await SetRoleAsync(owner, inbox, b.Id, "assistant");
        await SetRoleAsync(owner, inbox, c.Id, "operator");
        await app.WithDbAsync(async db =>
        {
            foreach (var (id, name) in new[] { (b.Id, "suzuki"), (c.Id, "takahashi"), (outsider.Id, "gaibu") })
                (await db.Users.SingleAsync(u => u.Id == id)).MentionName = name;
            return await db.SaveChangesAsync();
        });
        var bClient = await app.SignInAsync(b.Email);
        var cClient = await app.SignInAsync(c.Email);

        var first = await (await owner.PostAsJsonAsync($"/api/v1/tickets/{ticket}/comments", new { body = "@Suzuki 確認お願いします。@gaibu は見えない人" })).ReadAsync<JsonObject>();
        await (await bClient.PostAsJsonAsync($"/api/v1/tickets/{ticket}/comments", new { body = "@all 共有します" })).AssertStatusAsync(HttpStatusCode.OK);
        await AssertProblemAsync(await owner.PostAsJsonAsync($"/api/v1/tickets/{ticket}/comments", new { body = new string('あ', 1001) }), HttpStatusCode.BadRequest, "invalid_comment");
        await AssertProblemAsync(await owner.PostAsJsonAsync($"/api/v1/tickets/{ticket}/comments", new { body = "  " }), HttpStatusCode.BadRequest, "invalid_comment");
        var comments = await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ticket}/comments");
        var bBell = await bClient.GetFromJsonAsync<JsonObject>("/api/v1/notifications");
        var cBell = await cClient.GetFromJsonAsync<JsonObject>("/api/v1/notifications");
        var ownerBell = await owner.GetFromJsonAsync<JsonObject>("/api/v1/notifications");

        Assert.Equal([b.Id], first["mentionedUserIds"]!.AsArray().Select(x => x!.GetValue<Guid>()));
        Assert.Equal(2, comments!["total"]!.GetValue<int>());
        Assert.Equal("@all 共有します", comments["items"]![1]!["body"]!.GetValue<string>());
        Assert.Equal("鈴木 一郎", comments["items"]![1]!["authorName"]!.GetValue<string>());
        Assert.Equal(1, bBell!["unread"]!.GetValue<int>());
        Assert.Equal("mention", bBell["items"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal(1, cBell!["unread"]!.GetValue<int>());
        Assert.Equal(1, ownerBell!["unread"]!.GetValue<int>());
        Assert.Equal(0, await app.WithDbAsync(db => db.Notifications.CountAsync(n => n.UserId == outsider.Id)));

        var id = bBell["items"]![0]!["id"]!.GetValue<Guid>();
        await (await cClient.PostAsync($"/api/v1/notifications/{id}/read", null)).AssertStatusAsync(HttpStatusCode.NotFound);
        await (await bClient.PostAsync($"/api/v1/notifications/{id}/read", null)).AssertStatusAsync(HttpStatusCode.NoContent);
        await (await cClient.PostAsync("/api/v1/notifications/read-all", null)).AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal(0, (await bClient.GetFromJsonAsync<JsonObject>("/api/v1/notifications"))!["unread"]!.GetValue<int>());
        Assert.True((await bClient.GetFromJsonAsync<JsonObject>("/api/v1/notifications"))!["items"]![0]!["read"]!.GetValue<bool>());
        Assert.Equal(0, (await cClient.GetFromJsonAsync<JsonObject>("/api/v1/notifications?unread=true"))!["total"]!.GetValue<int>());
        Assert.Equal(1, (await owner.GetFromJsonAsync<JsonObject>("/api/v1/notifications"))!["unread"]!.GetValue<int>());
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task List_FiltersByAssigneeLabelPendingReason_SortsByLastMessageOldestCreated(DatabaseProvider provider)
    {
        var (app, account, inbox, owner) = await WorldAsync(provider);
        var member = await account.AddActiveUserAsync(owner);
        await SetRoleAsync(owner, inbox, member.Id, "operator");
        var memberClient = await app.SignInAsync(member.Email);
        var start = new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        var t = new List<Guid>();
        for (var i = 0; i < 4; i++)
            t.Add((await app.ReceiveAsync(inbox, Eml(Id(), subject: $"並び {i}"), start.AddHours(i))).TicketId!.Value);
        // A reply makes the first ticket the one with the newest last message; it is still the oldest created.
        await app.ReceiveAsync(inbox, Eml(Id(), subject: "Re: 並び 0", inReplyTo: await FirstMessageIdAsync(app, t[0])), start.AddHours(10));
        var label = await CreateLabelAsync(owner, inbox, "重要", "#ff8800");
        var reason = (await (await owner.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/pending-reasons", new { name = "調査中" })).ReadAsync<JsonObject>())["id"]!.GetValue<Guid>();
        await owner.PatchAsJsonAsync($"/api/v1/tickets/{t[1]}", new { assigneeId = member.Id, labelIds = new[] { label } });
        await owner.PatchAsJsonAsync($"/api/v1/tickets/{t[2]}", new { assigneeId = account.Owner.Id, pendingReasonId = reason });
        await owner.PatchAsJsonAsync($"/api/v1/tickets/{t[3]}", new { status = "pending" });

        async Task<List<Guid>> Ids(HttpClient client, string query) =>
            (await client.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox}&{query}"))!["items"]!.AsArray().Select(x => x!["id"]!.GetValue<Guid>()).ToList();

        Assert.Equal([t[0], t[3], t[2], t[1]], await Ids(owner, "sort=lastMessage"));
        Assert.Equal([t[1], t[2], t[3], t[0]], await Ids(owner, "sort=oldest"));
        Assert.Equal([t[3], t[2], t[1], t[0]], await Ids(owner, "sort=created"));
        Assert.Equal([t[1]], await Ids(memberClient, "assignee=me"));
        Assert.Equal([t[2]], await Ids(owner, "assignee=me"));
        Assert.Equal([t[1]], await Ids(owner, $"assignee={member.Id}"));
        Assert.Equal([t[0], t[3]], await Ids(owner, "assignee=none"));
        Assert.Equal([t[1]], await Ids(owner, $"label={label}"));
        Assert.Equal([t[2]], await Ids(owner, $"status=pending&pendingReason={reason}"));
        Assert.Equal([t[3]], await Ids(owner, "status=pending&pendingReason=none"));
        Assert.Equal([t[0]], await Ids(owner, "status=open&sort=created&limit=1&offset=1"));
        var item = (await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets?inbox={inbox}&label={label}"))!["items"]![0]!;
        Assert.Equal(member.Id, item["assigneeId"]!.GetValue<Guid>());
        Assert.Equal([label], item["labelIds"]!.AsArray().Select(x => x!.GetValue<Guid>()));
        await AssertProblemAsync(await owner.GetAsync($"/api/v1/tickets?sort=newest"), HttpStatusCode.BadRequest, "invalid_sort");
        await AssertProblemAsync(await owner.GetAsync($"/api/v1/tickets?assignee=someone"), HttpStatusCode.BadRequest, "invalid_assignee");
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task LabelsAndPendingReasons_ThreeLevelsAtMost_TenReasonsAtMost_DeleteLeavesTicketsPending(DatabaseProvider provider)
    {
        var (app, _, inbox, owner) = await WorldAsync(provider);
        var ticket = await ReceiveAsync(app, inbox, "ラベル");
        var a = await CreateLabelAsync(owner, inbox, "親", "#111111");
        var b = await CreateLabelAsync(owner, inbox, "子", "#222222", a);
        var c = await CreateLabelAsync(owner, inbox, "孫", "#333333", b);
        await AssertProblemAsync(await owner.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/labels", new { name = "曾孫", color = "#444444", parentId = c }), HttpStatusCode.BadRequest, "label_too_deep");
        await AssertProblemAsync(await owner.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/labels", new { name = "色", color = "red" }), HttpStatusCode.BadRequest, "invalid_label_color");
        await AssertProblemAsync(await owner.PatchAsJsonAsync($"/api/v1/inboxes/{inbox}/labels/{a}", new { parentId = c }), HttpStatusCode.BadRequest, "invalid_label_parent");
        var renamed = await (await owner.PatchAsJsonAsync($"/api/v1/inboxes/{inbox}/labels/{c}", new { name = "孫2", color = "#555555" })).ReadAsync<JsonObject>();
        Assert.Equal("親 › 子 › 孫2", renamed["path"]!.GetValue<string>());
        await owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { labelIds = new[] { c } });
        await (await owner.DeleteAsync($"/api/v1/inboxes/{inbox}/labels/{a}")).AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Empty((await owner.GetFromJsonAsync<JsonArray>($"/api/v1/inboxes/{inbox}/labels"))!);
        Assert.Empty((await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ticket}"))!["labelIds"]!.AsArray());

        var reasons = new List<Guid>();
        for (var i = 0; i < 10; i++)
            reasons.Add((await (await owner.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/pending-reasons", new { name = $"理由{i}" })).ReadAsync<JsonObject>())["id"]!.GetValue<Guid>());
        await AssertProblemAsync(await owner.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/pending-reasons", new { name = "11番目" }), HttpStatusCode.Conflict, "pending_reason_limit");
        await (await owner.PatchAsJsonAsync($"/api/v1/inboxes/{inbox}/pending-reasons/{reasons[9]}", new { name = "最初", position = 0 })).AssertStatusAsync(HttpStatusCode.OK);
        var ordered = (await owner.GetFromJsonAsync<JsonArray>($"/api/v1/inboxes/{inbox}/pending-reasons"))!;
        Assert.Equal(0, ordered.Single(r => r!["name"]!.GetValue<string>() == "最初")!["position"]!.GetValue<int>());
        Assert.Equal(["最初", "理由0"], ordered.Take(2).Select(r => r!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        await owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { pendingReasonId = reasons[3] });
        await (await owner.DeleteAsync($"/api/v1/inboxes/{inbox}/pending-reasons/{reasons[3]}")).AssertStatusAsync(HttpStatusCode.NoContent);
        var after = await owner.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ticket}");
        Assert.Equal("pending", after!["status"]!.GetValue<string>());
        Assert.Null(after["pendingReasonId"]);
        Assert.Equal(9, (await owner.GetFromJsonAsync<JsonArray>($"/api/v1/inboxes/{inbox}/pending-reasons"))!.Count);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ChangeFeed_NewMailChangeCommentAndMention_EachPublishOneEventAfterCommit(DatabaseProvider provider)
    {
        var (app, account, inbox, owner) = await WorldAsync(provider);
        var feed = app.Services.GetRequiredService<ITicketChangeFeed>();
        var seen = new List<TicketChange>();
        var other = new List<TicketChange>();
        var mailSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = feed.Subscribe(account.Id, change =>
        {
            lock (seen)
                seen.Add(change);
            if (change.Kind == TicketChangeKind.MessageAdded)
                mailSeen.TrySetResult();
        });
        using var otherAccount = feed.Subscribe(Guid.NewGuid(), other.Add);

        var ticket = await ReceiveAsync(app, inbox, "ライブ");
        // The worker publishes right after its commit, which the test may notice first.
        await mailSeen.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { status = "closed" });
        await owner.PostAsJsonAsync($"/api/v1/tickets/{ticket}/comments", new { body = "メモ" });
        var member = await account.AddActiveUserAsync(owner);
        await SetRoleAsync(owner, inbox, member.Id, "operator");
        await owner.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { assigneeId = member.Id });
        var presence = app.Services.GetRequiredService<TicketPresence>();
        await presence.EnterAsync(account.Id, inbox, ticket, member.Id, "山田 花子", "session-1");
        var onTicket = await presence.OnAsync(ticket);
        await presence.LeaveAsync(account.Id, inbox, ticket, member.Id, "山田 花子", "session-1");

        List<TicketChange> events;
        lock (seen)
            events = seen.Where(e => e.TicketId == ticket).ToList();
        Assert.Equal(
            [TicketChangeKind.MessageAdded, TicketChangeKind.Changed, TicketChangeKind.Commented, TicketChangeKind.Changed, TicketChangeKind.Notified, TicketChangeKind.Presence, TicketChangeKind.Presence],
            events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal(inbox, e.InboxId));
        Assert.Equal(member.Id, events[4].UserId);
        Assert.Equal("山田 花子", Assert.Single(onTicket).Name);
        Assert.Empty(await presence.OnAsync(ticket));
        Assert.Empty(other);
        // The first event came after the message was committed: a reader sees the ticket.
        Assert.Equal(1, await app.WithDbAsync(db => db.Tickets.CountAsync(x => x.Id == ticket)));
    }

    private async Task<(MadoguchiApp App, TestAccount Account, Guid Inbox, HttpClient Owner)> WorldAsync(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        return (app, account, inbox.Id, await account.SignInOwnerAsync());
    }

    private static async Task<Guid> ReceiveAsync(MadoguchiApp app, Guid inbox, string subject) =>
        (await app.ReceiveAsync(inbox, Eml(Id(), subject: subject))).TicketId!.Value;

    private static Task<string> FirstMessageIdAsync(MadoguchiApp app, Guid ticket) =>
        app.WithDbAsync(db => db.TicketMessages.Where(m => m.TicketId == ticket).OrderBy(m => m.Date).Select(m => m.MessageIdHeader).FirstAsync());

    private static async Task SetRoleAsync(HttpClient owner, Guid inbox, Guid user, string role) =>
        await (await owner.PutAsJsonAsync($"/api/v1/inboxes/{inbox}/roles/{user}", new { role })).AssertStatusAsync(HttpStatusCode.NoContent);

    private static async Task<HttpClient> UserWithRolesAsync(MadoguchiApp app, TestAccount account, HttpClient owner, params (Guid Inbox, string Role)[] roles)
    {
        var user = await account.AddActiveUserAsync(owner);
        foreach (var (inbox, role) in roles)
            await SetRoleAsync(owner, inbox, user.Id, role);
        return await app.SignInAsync(user.Email);
    }

    private static async Task<Guid> CreateLabelAsync(HttpClient owner, Guid inbox, string name, string color, Guid? parentId = null) =>
        (await (await owner.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/labels", new { name, color, parentId })).ReadAsync<JsonObject>())["id"]!.GetValue<Guid>();

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        if (code is not null)
            Assert.Equal(code, JsonNode.Parse(body)!["code"]!.GetValue<string>());
    }
}
