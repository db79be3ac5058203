using System.Net;
using System.Text.Json;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;

namespace Madoguchi.IntegrationTests.Sending.Compose;

/// <summary>To/Cc/Bcc suggestions from the inbox's past correspondents: prefix of the address or the name, newest first,
/// never another inbox's, and only for people who may write mail there.</summary>
public sealed class ContactsTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Contacts_PrefixOfAddressOrName_FromThisInboxOnly(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        await using var s = await SendingScenario.OnAsync(app);
        var other = await s.Account.CreateInboxAsync("別の受信箱");
        await s.AddSendAddressAsync(new { address = "support@example.jp", host = "127.0.0.1", port = 25, security = "none", authentication = "none" });
        await app.ReceiveAsync(s.InboxId, InboundMail.Eml($"c1-{provider}@example.com", from: "\"山田 太郎\" <taro.yamada@example.com>",
            extraHeaders: ["Cc: Hanako Suzuki <hanako+shop@example.org>"]));
        await app.ReceiveAsync(s.InboxId, InboundMail.Eml($"c2-{provider}@example.com", from: "Support <support@example.jp>"));
        await app.ReceiveAsync(other.Id, InboundMail.Eml($"c3-{provider}@example.com", from: "\"山本 次郎\" <jiro.yamamoto@example.net>"));

        Assert.Equal(["taro.yamada@example.com"], await SuggestAsync(s.Owner, s.InboxId, "tar"));
        Assert.Equal(["taro.yamada@example.com"], await SuggestAsync(s.Owner, s.InboxId, "山田"));
        Assert.Equal(["taro.yamada@example.com"], await SuggestAsync(s.Owner, s.InboxId, "太郎"));
        Assert.Equal(["hanako+shop@example.org"], await SuggestAsync(s.Owner, s.InboxId, "SUZ"));
        Assert.Equal(["hanako+shop@example.org"], await SuggestAsync(s.Owner, s.InboxId, "hanako+"));
        // A prefix only: the middle of an address does not match; our own send address is never suggested.
        Assert.Empty(await SuggestAsync(s.Owner, s.InboxId, "yamada"));
        Assert.Empty(await SuggestAsync(s.Owner, s.InboxId, "support"));
        // Another inbox's correspondents stay there.
        Assert.Empty(await SuggestAsync(s.Owner, s.InboxId, "山本"));
        Assert.Equal(["jiro.yamamoto@example.net"], await SuggestAsync(s.Owner, other.Id, "山本"));
        var all = await SuggestAsync(s.Owner, s.InboxId, "");
        Assert.Equal(["hanako+shop@example.org", "taro.yamada@example.com"], all.Order());

        var (_, none) = await s.MemberAsync("none");
        await (await none.GetAsync($"/api/v1/inboxes/{s.InboxId}/contacts?q=t")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        var (_, assistant) = await s.MemberAsync("assistant");
        Assert.Equal(["taro.yamada@example.com"], await SuggestAsync(assistant, s.InboxId, "taro"));
    }

    private static async Task<List<string>> SuggestAsync(HttpClient client, Guid inboxId, string q)
    {
        var found = await (await client.GetAsync($"/api/v1/inboxes/{inboxId}/contacts?q={Uri.EscapeDataString(q)}")).ReadAsync<JsonElement>();
        return found.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("address").GetString()!).ToList();
    }
}
