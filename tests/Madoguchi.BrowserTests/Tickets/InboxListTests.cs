using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Core.Inboxes;
using Madoguchi.Testing.App;
using Microsoft.Playwright;
using static Madoguchi.Testing.App.InboundMail;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests.Tickets;

/// <summary>The inbox list a person works through all day, over more tickets than one page: filters (assignee me / nobody
/// / a person, label), the three sorts, paging, j/k and Enter, bulk labels and 保留 with a reason, a comment that can be
/// sent while typing, the sender's Date beside the receive time only when they differ, and the narrow layout
/// (list → ticket → back). Screenshots in Japanese and English.</summary>
[Collection(BrowserCollection.Name)]
public sealed class InboxListTests(BrowserFixture fixture)
{
    private const int Tickets = 55;

    [Fact]
    public async Task InboxList_FiltersSortsPagingKeysBulkAndNarrowLayout()
    {
        var app = fixture.App;
        var account = await app.CreateAccountAsync();
        var api = await account.SignInOwnerAsync();
        var inbox = (await (await api.PostAsJsonAsync("/api/v1/inboxes", new { name = "一覧テスト", colour = "#1e88e5" }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<InboxView>(MadoguchiJson.Options))!.Id;
        var userB = await account.AddActiveUserAsync(api, "鈴木", "次郎");
        await app.WithDbAsync(db =>
        {
            db.InboxRoles.Add(new InboxRoleAssignment { InboxId = inbox, UserId = userB.Id, Role = InboxRole.Operator });
            return db.SaveChangesAsync();
        });

        // 55 tickets received a minute apart (一覧 00 the oldest), then a reply to the oldest arrives now, dated now.
        var start = DateTime.UtcNow.AddDays(-2);
        var raws = new List<Guid>();
        var messageIds = new List<string>();
        for (var i = 0; i < Tickets; i++)
        {
            messageIds.Add(Id());
            raws.Add(await app.StoreOriginalAsync(inbox, Bytes(Eml(messageIds[i], subject: Subject(i))), start.AddMinutes(i)));
        }
        var ids = new List<Guid>();
        foreach (var raw in raws)
            ids.Add((await app.WaitForPipelineAsync(raw)).TicketId!.Value);
        var reply = Eml(Id(), subject: "Re: " + Subject(0), inReplyTo: messageIds[0])
            .Replace("Date: Tue, 01 Apr 2025 10:00:00 +0900", "Date: " + DateTimeOffset.UtcNow.ToString("r", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        await app.ReceiveAsync(inbox, Bytes(reply));
        var billing = await CreateAsync(api, $"/api/v1/inboxes/{inbox}/labels", new { name = "請求", color = "#c62828" });
        var urgent = await CreateAsync(api, $"/api/v1/inboxes/{inbox}/labels", new { name = "至急", color = "#2e7d32" });
        await CreateAsync(api, $"/api/v1/inboxes/{inbox}/pending-reasons", new { name = "お客様の返事待ち" });
        (await api.PatchAsJsonAsync($"/api/v1/tickets/{ids[54]}", new { assigneeId = account.Owner.Id })).EnsureSuccessStatusCode();
        (await api.PatchAsJsonAsync($"/api/v1/tickets/{ids[53]}", new { assigneeId = userB.Id })).EnsureSuccessStatusCode();
        (await api.PatchAsJsonAsync($"/api/v1/tickets/{ids[52]}", new { labelIds = new[] { billing } })).EnsureSuccessStatusCode();

        await using var s = await fixture.NewSessionAsync();
        var page = s.Page;
        await s.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
        await page.SetViewportSizeAsync(1280, 800);
        await page.GotoAsync($"/inboxes/{inbox}");
        await s.WaitLiveAsync();

        // Newest last message first; 50 a page; the next page holds the rest.
        await Expect(Rows(page)).ToHaveCountAsync(50);
        await Expect(Rows(page).First).ToContainTextAsync(Subject(0));
        await Expect(page.GetByTestId("page-range")).ToContainTextAsync(Tickets.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Link, new() { Name = "次へ" }).ClickAsync();
        await Expect(Rows(page)).ToHaveCountAsync(Tickets - 50);
        await Expect(Rows(page).Last).ToContainTextAsync(Subject(1));
        await page.GetByRole(AriaRole.Link, new() { Name = "前へ" }).ClickAsync();
        await Expect(Rows(page)).ToHaveCountAsync(50);

        // Sorts: oldest last message first, then newest created first (the old ticket's new reply does not move it).
        await PickAsync(page, "並び順", "古い順");
        await Expect(Rows(page).First).ToContainTextAsync(Subject(1));
        await PickAsync(page, "並び順", "作成日の新しい順");
        await Expect(Rows(page).First).ToContainTextAsync(Subject(54));
        await PickAsync(page, "並び順", "新しいメッセージ順");
        await Expect(Rows(page).First).ToContainTextAsync(Subject(0));

        // Filters: assigned to me, to nobody, to a person; a label.
        await PickAsync(page, "担当者", "自分");
        await Expect(Rows(page)).ToHaveCountAsync(1);
        await Expect(Rows(page).First).ToContainTextAsync(Subject(54));
        await PickAsync(page, "担当者", userB.DisplayName);
        await Expect(Rows(page)).ToHaveCountAsync(1);
        await Expect(Rows(page).First).ToContainTextAsync(Subject(53));
        await PickAsync(page, "担当者", "担当者なし");
        await Expect(page.GetByTestId("page-range")).ToContainTextAsync((Tickets - 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(Row(page, Subject(54))).ToHaveCountAsync(0);
        await PickAsync(page, "担当者", "すべて");
        await PickAsync(page, "ラベル", "請求");
        await Expect(Rows(page)).ToHaveCountAsync(1);
        await Expect(Rows(page).First).ToContainTextAsync(Subject(52));
        await PickAsync(page, "ラベル", "すべてのラベル");
        await Expect(Rows(page)).ToHaveCountAsync(50);

        // Bulk: two tickets get the label 至急, then 保留 › お客様の返事待ち; they leave 未対応.
        await Row(page, Subject(51)).GetByRole(AriaRole.Checkbox).CheckAsync();
        await Row(page, Subject(50)).GetByRole(AriaRole.Checkbox).CheckAsync();
        await Expect(page.GetByTestId("selected-count")).ToContainTextAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "ラベルを付ける" }).ClickAsync();
        await page.Locator(".mud-popover-open").GetByText("至急").First.ClickAsync();
        await Expect(Row(page, Subject(51)).GetByTestId("label-chip")).ToHaveTextAsync("至急");
        await Expect(Row(page, Subject(50)).GetByTestId("label-chip")).ToHaveTextAsync("至急");
        await Row(page, Subject(51)).GetByRole(AriaRole.Checkbox).CheckAsync();
        await Row(page, Subject(50)).GetByRole(AriaRole.Checkbox).CheckAsync();
        await Shoot(page, "inbox-list-bulk-ja-1280");
        await page.GetByRole(AriaRole.Button, new() { Name = "ステータス" }).ClickAsync();
        await page.Locator(".mud-popover-open").GetByText("保留 › お客様の返事待ち").First.ClickAsync();
        await Expect(Row(page, Subject(51))).ToHaveCountAsync(0);
        await Expect(Row(page, Subject(50))).ToHaveCountAsync(0);
        var pending = await api.GetFromJsonAsync<JsonObject>($"/api/v1/tickets/{ids[51]}");
        Assert.Equal("pending", pending!["status"]!.GetValue<string>());
        Assert.NotNull(pending["pendingReasonId"]);
        Assert.Equal([urgent], pending["labelIds"]!.AsArray().Select(x => x!.GetValue<Guid>()));

        // Keys: j moves down, k up, Enter opens the ticket under the cursor.
        await page.GetByTestId("bucket-title").ClickAsync();
        await page.Keyboard.PressAsync("j");
        await Expect(Rows(page).Nth(0)).ToHaveAttributeAsync("data-current", "true");
        await page.Keyboard.PressAsync("j");
        await page.Keyboard.PressAsync("j");
        await Expect(Rows(page).Nth(2)).ToHaveAttributeAsync("data-current", "true");
        await page.Keyboard.PressAsync("k");
        await Expect(Rows(page).Nth(1)).ToHaveAttributeAsync("data-current", "true");
        var second = await Rows(page).Nth(1).GetAttributeAsync("data-ticket-id");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("ticket=" + second));
        await Expect(page.GetByTestId("ticket")).ToBeVisibleAsync();

        // The oldest ticket: its first message was dated long before it arrived (Date shown beside the receive time); the
        // reply, dated when it arrived, shows no Date.
        await Row(page, Subject(0)).GetByRole(AriaRole.Link, new() { Name = Subject(0), Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("message")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("date-header")).ToHaveCountAsync(1);

        // A comment can be sent while still typing (no blur needed).
        var comment = page.GetByTestId("ticket").GetByRole(AriaRole.Textbox, new() { Name = "コメント" });
        await comment.FocusAsync();
        await comment.PressSequentiallyAsync("確認します");
        var post = page.GetByTestId("ticket").GetByRole(AriaRole.Button, new() { Name = "コメントする" });
        await Expect(post).ToBeEnabledAsync();
        await Expect(comment).ToBeFocusedAsync();
        await post.ClickAsync();
        await Expect(page.GetByTestId("ticket")).ToContainTextAsync("確認します");

        // Narrow (a phone): the list alone, then the ticket alone, then back to the list.
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync($"/inboxes/{inbox}");
        await s.WaitLiveAsync();
        await Expect(Rows(page).First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("ticket")).ToHaveCountAsync(0);
        await Shoot(page, "inbox-list-ja-390");
        await Row(page, Subject(0)).GetByRole(AriaRole.Link, new() { Name = Subject(0), Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("ticket")).ToBeVisibleAsync();
        await Expect(Rows(page).First).ToBeHiddenAsync();
        await Shoot(page, "inbox-ticket-ja-390");
        await page.GetByRole(AriaRole.Link, new() { Name = "一覧に戻る" }).ClickAsync();
        await Expect(Rows(page).First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("ticket")).ToHaveCountAsync(0);

        // English, wide, with a selection.
        await s.Context.AddCookiesAsync([new Cookie { Name = ".AspNetCore.Culture", Value = "c=en|uic=en", Url = app.BaseAddress.ToString() }]);
        await page.SetViewportSizeAsync(1280, 800);
        await page.GotoAsync($"/inboxes/{inbox}?label={billing}");
        await s.WaitLiveAsync();
        await Row(page, Subject(52)).GetByRole(AriaRole.Checkbox).CheckAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Add label" })).ToBeVisibleAsync();
        await Shoot(page, "inbox-list-bulk-en-1280");
        await page.SetViewportSizeAsync(390, 844);
        await Shoot(page, "inbox-list-en-390");
    }

    private static string Id() => $"{Guid.NewGuid():N}@customer.example";

    private static string Subject(int i) => $"一覧 {i:00}";

    private static byte[] Bytes(string eml) => Encoding.UTF8.GetBytes(eml.ReplaceLineEndings("\r\n"));

    private static async Task<Guid> CreateAsync(HttpClient api, string path, object body)
    {
        var created = await (await api.PostAsJsonAsync(path, body)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
        return created!["id"]!.GetValue<Guid>();
    }

    /// <summary>Picks an option of one of the list's selects (by its label).</summary>
    private static async Task PickAsync(IPage page, string select, string option)
    {
        await page.Locator(".mdg-list-pane .mud-select").Filter(new() { HasText = select }).First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item").Filter(new() { HasText = option }).First.ClickAsync();
    }

    private static ILocator Rows(IPage page) => page.GetByTestId("ticket-row");

    private static ILocator Row(IPage page, string subject) =>
        page.GetByTestId("ticket-row").Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = subject, Exact = true }) });

    private static Task Shoot(IPage page, string name) => page.ScreenshotAsync(new() { Path = Screenshots.PathFor(name) });
}
