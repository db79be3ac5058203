using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using static Madoguchi.IntegrationTests.Tickets.TicketTestData;

namespace Madoguchi.IntegrationTests.Tickets;

public sealed class TicketScreenTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task InboxAndTicketPages_ShowTicketsSafely_InJapanese(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync("サポート窓口");
        var location = await app.ReceiveAsync(inbox.Id, HostileHtml(Id()));
        var broken = await app.ReceiveAsync(inbox.Id, Broken());
        var client = await account.SignInOwnerAsync();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ja");

        var inboxPage = await client.GetStringAsync($"/inboxes/{inbox.Id}");
        var ticketPage = await client.GetStringAsync($"/tickets/{location.TicketId}");
        var allowedPage = await client.GetStringAsync($"/tickets/{location.TicketId}?images=allow");
        var brokenPage = await client.GetStringAsync($"/tickets/{broken.TicketId}");
        var stranger = await (await app.CreateAccountAsync()).SignInOwnerAsync();

        Assert.Contains("サポート窓口", inboxPage, StringComparison.Ordinal);
        Assert.Contains("未対応", inboxPage, StringComparison.Ordinal);
        Assert.Contains("迷惑メール", inboxPage, StringComparison.Ordinal);
        // The list opens a ticket in the inbox screen's right pane (its own page /tickets/{id} stays for narrow screens).
        Assert.Contains($"ticket={location.TicketId}", inboxPage, StringComparison.Ordinal);
        // Buckets with counts: 未対応 counts the rows the list shows, ゴミ箱 is empty; the paper-clip marks only the ticket
        // with a real attachment (the inline logo does not count).
        var rows = System.Text.RegularExpressions.Regex.Matches(inboxPage, "data-testid=\"ticket-row\"").Count;
        Assert.InRange(rows, 1, 2);
        Assert.Matches(Bucket("open", rows), inboxPage);
        Assert.Matches(Bucket("trash", 0), inboxPage);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(inboxPage, "data-testid=\"attachment-mark\""));
        // HTML mail reads in a sans-serif default that the mail's own styles can override.
        Assert.Contains("sans-serif", ticketPage, StringComparison.Ordinal);
        Assert.Contains("HTML mail", ticketPage, StringComparison.Ordinal);
        Assert.Contains("画像を表示", ticketPage, StringComparison.Ordinal);
        Assert.Contains("sandbox=", ticketPage, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", ticketPage, StringComparison.Ordinal);
        Assert.DoesNotContain("&lt;script", ticketPage, StringComparison.Ordinal);
        Assert.DoesNotContain("tracker.example", ticketPage, StringComparison.Ordinal);
        Assert.Contains("tracker.example", allowedPage, StringComparison.Ordinal);
        Assert.Contains("見積書.pdf", ticketPage, StringComparison.Ordinal);
        Assert.Contains($"/api/v1/messages/{location.TicketMessageId}/raw", ticketPage, StringComparison.Ordinal);
        Assert.Contains("正しく読み込めませんでした", brokenPage, StringComparison.Ordinal);
        stranger.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ja");
        var strangerTicket = await stranger.GetStringAsync($"/tickets/{location.TicketId}");
        var strangerInbox = await stranger.GetStringAsync($"/inboxes/{inbox.Id}");
        Assert.Contains("見つかりません", strangerTicket, StringComparison.Ordinal);
        Assert.DoesNotContain("HTML mail", strangerTicket, StringComparison.Ordinal);
        Assert.DoesNotContain("見積書.pdf", strangerTicket, StringComparison.Ordinal);
        Assert.Contains("見つかりません", strangerInbox, StringComparison.Ordinal);
        Assert.DoesNotContain("サポート窓口", strangerInbox, StringComparison.Ordinal);
    }

    private static System.Text.RegularExpressions.Regex Bucket(string bucket, int count) =>
        new($"data-bucket=\"{bucket}\"[^>]*>(?:(?!</a>).)*data-testid=\"bucket-count\">{count}<", System.Text.RegularExpressions.RegexOptions.Singleline);
}
