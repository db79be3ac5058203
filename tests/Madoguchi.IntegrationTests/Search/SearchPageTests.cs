using System.Net.Http.Json;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;

namespace Madoguchi.IntegrationTests.Search;

/// <summary>The search page: results with their place, the highlighted match and a link to the ticket; trash and spam
/// only with 「ゴミ箱と迷惑メールを含む」; Japanese and English.</summary>
public sealed class SearchPageTests
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SearchPage_ShowsHighlightedResultsWithPlace_TrashOnlyWithTheToggle_InJapaneseAndEnglish(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var kept = await app.ReceiveAsync(inbox.Id, SearchTests.Mail("page-kept@search.example", "残す件名", "請求書の件です。"));
        var trashed = await app.ReceiveAsync(inbox.Id, SearchTests.Mail("page-trash@search.example", "捨てた件名", "再請求の件です。"));
        var client = await account.SignInOwnerAsync();
        await client.PatchAsJsonAsync($"/api/v1/tickets/{trashed.TicketId}", new { place = "trash" });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ja");

        var without = await client.GetStringAsync("/search?q=" + Uri.EscapeDataString("請求"));
        var with = await client.GetStringAsync("/search?includeTrashAndSpam=true&q=" + Uri.EscapeDataString("請求"));

        Assert.Contains("ゴミ箱と迷惑メールを含む", without, StringComparison.Ordinal);
        Assert.Contains("残す件名", without, StringComparison.Ordinal);
        Assert.Contains($"/tickets/{kept.TicketId}", without, StringComparison.Ordinal);
        Assert.Contains("<mark>請求</mark>", without, StringComparison.Ordinal);
        Assert.DoesNotContain("捨てた件名", without, StringComparison.Ordinal);
        Assert.Contains("捨てた件名", with, StringComparison.Ordinal);
        Assert.Contains($"/tickets/{trashed.TicketId}", with, StringComparison.Ordinal);
        // The trashed result's place chip says ゴミ箱 (beside the toggle's own label).
        Assert.True(Count(with, "ゴミ箱") > Count(without, "ゴミ箱"));

        var english = await account.SignInOwnerAsync();
        english.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var page = await english.GetStringAsync("/search?includeTrashAndSpam=true&q=" + Uri.EscapeDataString("請求"));
        Assert.Contains("Include trash and spam", page, StringComparison.Ordinal);
        Assert.Contains("2 message(s) found", page, StringComparison.Ordinal);
    }

    private static int Count(string text, string word) => text.Split(word).Length - 1;
}
