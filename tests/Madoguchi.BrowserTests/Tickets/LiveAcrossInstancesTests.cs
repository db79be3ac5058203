using System.Diagnostics;
using System.Net.Http.Json;
using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets.Live;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests.Tickets;

/// <summary>Two app instances on one PostgreSQL: a person's browser on instance A shows, without a reload, what happens
/// through instance B — a mail B fetches from Dovecot, and B's API changing the status, the assignee and adding a comment
/// — in the list, the counts and the open ticket. A fetches and processes nothing itself, so all of it came from B.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveAcrossInstancesTests(BrowserFixture fixture, ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> UiOnly = new()
    {
        ["Madoguchi:Receiving:WorkerEnabled"] = "false",
        ["Madoguchi:InboundPipeline:RunWorker"] = "false",
    };

    [Fact]
    public async Task TwoInstancesOnPostgres_ChangesAndMailThroughB_ShowLiveInABrowserOnA()
    {
        await using var dovecot = await DovecotServer.StartNewAsync();
        var mailbox = await dovecot.AddUserAsync("live" + Guid.NewGuid().ToString("N")[..8], "imap-pass-" + Guid.NewGuid().ToString("N")[..8]);
        await using var a = await MadoguchiApp.StartAsync(DatabaseProvider.Postgres, UiOnly, kestrel: true);
        await using var b = await MadoguchiApp.StartBesideAsync(a);
        var account = await a.CreateAccountAsync();
        var apiB = await b.SignInAsync(account.Owner.Email);
        var inbox = (await (await apiB.PostAsJsonAsync("/api/v1/inboxes", new { name = "二台構成", colour = "#6a1b9a" }))
            .EnsureSuccessStatusCode().Content.ReadFromJsonAsync<InboxView>(MadoguchiJson.Options))!.Id;
        var member = await account.AddActiveUserAsync(apiB, "高橋", "三郎");
        await a.WithDbAsync(db =>
        {
            db.InboxRoles.Add(new InboxRoleAssignment { InboxId = inbox, UserId = member.Id, Role = InboxRole.Operator });
            return db.SaveChangesAsync();
        });
        (await apiB.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/receive-servers", new
        {
            protocol = "imap", host = dovecot.Host, port = dovecot.ImapPort, security = "none", validateCertificate = true,
            username = mailbox.Name, password = mailbox.Password, pollSeconds = 3600,
        })).EnsureSuccessStatusCode();

        // The first mail, fetched and processed by B.
        const string first = "二台目から届いたメール";
        await dovecot.DeliverAsync(mailbox.Name, DovecotServer.SampleMessage($"{Guid.NewGuid():N}@example.test", first, "一通目です。"));
        (await apiB.PostAsync($"/api/v1/inboxes/{inbox}/fetch", null)).EnsureSuccessStatusCode();
        var ticket = await WaitForTicketAsync(apiB, inbox, first);

        // A hears B through PostgreSQL once its listener is up (it starts in the background): change until A has heard one.
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (a.Services.GetRequiredService<ITicketChangeFeed>().Subscribe(account.Id, c => { if (c.TicketId == ticket) heard.TrySetResult(); }))
        {
            for (var i = 0; i < 60 && !heard.Task.IsCompleted; i++)
            {
                (await apiB.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { status = i % 2 == 0 ? "closed" : "open" })).EnsureSuccessStatusCode();
                await Task.WhenAny(heard.Task, Task.Delay(500));
            }
            await heard.Task.WaitAsync(TimeSpan.FromSeconds(5));
        }
        (await apiB.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { status = "open" })).EnsureSuccessStatusCode();

        await using var s = await fixture.NewSessionAsync(a);
        var page = s.Page;
        await s.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
        await s.Context.AddCookiesAsync([new Cookie { Name = ".AspNetCore.Culture", Value = "c=ja|uic=ja", Url = a.BaseAddress.ToString() }]);
        await page.SetViewportSizeAsync(1280, 800);
        await page.GotoAsync($"/inboxes/{inbox}?ticket={ticket}");
        await s.WaitLiveAsync();
        await Expect(page.GetByTestId("ticket")).ToBeVisibleAsync();
        await Expect(OpenCount(page)).ToHaveTextAsync("1");
        // The open ticket's live panel is subscribed once it has entered its presence (B sees A has the ticket open).
        var clock = Stopwatch.StartNew();
        while ((await apiB.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/v1/tickets/{ticket}/presence"))!["viewers"]!.AsArray().Count == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "A's open ticket never entered its presence.");
            await Task.Delay(100);
        }

        // Status through B: A's open ticket, list and counts follow.
        var watch = Stopwatch.StartNew();
        (await apiB.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { status = "closed" })).EnsureSuccessStatusCode();
        await Expect(page.GetByTestId("ticket").GetByRole(AriaRole.Button, new() { Name = "対応完了", Exact = true })).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(OpenCount(page)).ToHaveTextAsync("0");
        await Expect(page.Locator("[data-bucket='closed'] [data-testid='bucket-count']")).ToHaveTextAsync("1");
        output.WriteLine($"Status change through B seen on A after {watch.ElapsedMilliseconds} ms");
        (await apiB.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { status = "open" })).EnsureSuccessStatusCode();
        await Expect(Row(page, first)).ToBeVisibleAsync();

        // Assignee through B: the row and the open ticket.
        watch.Restart();
        (await apiB.PatchAsJsonAsync($"/api/v1/tickets/{ticket}", new { assigneeId = member.Id })).EnsureSuccessStatusCode();
        await Expect(Row(page, first).GetByTestId("assignee")).ToHaveTextAsync(member.DisplayName);
        await Expect(page.GetByTestId("ticket")).ToContainTextAsync(member.DisplayName);
        output.WriteLine($"Assignment through B seen on A after {watch.ElapsedMilliseconds} ms");

        // A comment through B: in A's open ticket.
        watch.Restart();
        (await apiB.PostAsJsonAsync($"/api/v1/tickets/{ticket}/comments", new { body = "B からのコメントです" })).EnsureSuccessStatusCode();
        await Expect(page.GetByTestId("ticket")).ToContainTextAsync("B からのコメントです");
        output.WriteLine($"Comment through B seen on A after {watch.ElapsedMilliseconds} ms");

        // New mail fetched by B: a new row and the count on A.
        const string second = "二通目の新着メール";
        await dovecot.DeliverAsync(mailbox.Name, DovecotServer.SampleMessage($"{Guid.NewGuid():N}@example.test", second, "二通目です。"));
        watch.Restart();
        (await apiB.PostAsync($"/api/v1/inboxes/{inbox}/fetch", null)).EnsureSuccessStatusCode();
        await Expect(Row(page, second)).ToBeVisibleAsync();
        await Expect(OpenCount(page)).ToHaveTextAsync("2");
        output.WriteLine($"Mail fetched by B shown on A after {watch.ElapsedMilliseconds} ms");
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("inbox-live-two-instances-ja-1280") });
    }

    private static async Task<Guid> WaitForTicketAsync(HttpClient api, Guid inbox, string subject)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var list = await api.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>($"/api/v1/tickets?inbox={inbox}");
            var found = list!["items"]!.AsArray().FirstOrDefault(t => t!["subject"]!.GetValue<string>() == subject);
            if (found is not null)
                return found["id"]!.GetValue<Guid>();
            if (clock.Elapsed > TimeSpan.FromSeconds(60))
                throw new TimeoutException($"No ticket \"{subject}\" after 60 s.");
            await Task.Delay(100);
        }
    }

    private static ILocator Row(IPage page, string subject) =>
        page.GetByTestId("ticket-row").Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = subject }) });

    private static ILocator OpenCount(IPage page) => page.Locator("[data-bucket='open'] [data-testid='bucket-count']");
}
