using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests.Sending;

/// <summary>新規メール from the inbox screen: the From address's shared signature is already in the text, the customer is
/// suggested from past mail, and the new ticket opens showing the mail 送信済み after it went through Postfix.</summary>
[Collection(BrowserCollection.Name)]
public sealed class NewMailUiTests(BrowserFixture fixture, PostfixFixture mail) : IClassFixture<PostfixFixture>
{
    [Fact]
    public async Task NewMail_FromInboxScreen_SignatureInserted_CustomerSuggested_ThenSent()
    {
        var customer = await mail.AddUniqueUserAsync("customer");
        var support = await mail.AddUniqueUserAsync("support");
        var account = await fixture.App.CreateAccountAsync();
        var api = await account.SignInOwnerAsync();
        var inbox = (await account.CreateInboxAsync("新規窓口")).Id;
        var created = await api.PostAsJsonAsync($"/api/v1/inboxes/{inbox}/send-addresses", new
        {
            address = PostfixFixture.AddressOf(support), displayName = "サポート窓口", isDefault = true, host = mail.Postfix.Host, port = mail.Postfix.Smtp.Port,
            security = "none", authentication = "none",
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var addressId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var signature = await api.PutAsJsonAsync($"/api/v1/inboxes/{inbox}/send-addresses/{addressId}/signature", new { text = "株式会社例 サポート窓口" });
        Assert.True(signature.IsSuccessStatusCode, await signature.Content.ReadAsStringAsync());
        await fixture.App.ReceiveAsync(inbox, InboundMail.Eml($"{Guid.NewGuid():N}@example.com", from: $"\"青木 様\" <{PostfixFixture.AddressOf(customer)}>"));

        await using var session = await fixture.NewSessionAsync();
        var page = session.Page;
        await session.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
        await page.GotoAsync($"/inboxes/{inbox}");
        await session.WaitLiveAsync();
        await page.GetByTestId("new-mail").ClickAsync();
        await page.WaitForURLAsync($"**/inboxes/{inbox}/compose");
        await session.WaitLiveAsync();

        var compose = page.GetByTestId("compose");
        var text = compose.GetByLabel("本文");
        await Expect(text).ToHaveValueAsync("\n\n株式会社例 サポート窓口");
        await Expect(compose.GetByLabel("署名")).ToHaveValueAsync("shared");

        await compose.GetByLabel("宛先 (To)").PressSequentiallyAsync("青木");
        var suggestion = compose.GetByTestId("address-suggestions").GetByText(PostfixFixture.AddressOf(customer), new() { Exact = false });
        await suggestion.ClickAsync();
        await Expect(compose.GetByLabel("宛先 (To)")).ToHaveValueAsync($"青木 様 <{PostfixFixture.AddressOf(customer)}>, ");
        await compose.GetByLabel("件名").FillAsync("発送のお知らせ");
        await text.FillAsync("本日発送いたしました。" + await text.InputValueAsync());
        await compose.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "納品書.pdf", MimeType = "application/pdf", Buffer = [.. "%PDF-1.4\n"u8] });
        await Expect(compose.GetByTestId("attachment-chip")).ToContainTextAsync("納品書.pdf");
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("new-mail-compose-ja"), FullPage = true });
        await compose.GetByTestId("compose-send").ClickAsync();

        await page.WaitForURLAsync($"**/inboxes/{inbox}?tab=closed&ticket=*");
        var state = page.GetByTestId("send-state");
        await Expect(state).ToHaveAttributeAsync("data-state", "sent", new() { Timeout = 30_000 });
        await Expect(state.GetByTestId("send-state-chip")).ToHaveTextAsync("送信済み");
        await Expect(page.GetByTestId("ticket")).ToContainTextAsync("発送のお知らせ");
        await page.ScreenshotAsync(new() { Path = Screenshots.PathFor("new-mail-sent-ja"), FullPage = true });

        var ticketId = Guid.Parse(await page.GetByTestId("ticket").GetAttributeAsync("data-ticket-id") ?? "");
        var detail = await (await api.GetAsync($"/api/v1/tickets/{ticketId}")).Content.ReadFromJsonAsync<JsonElement>();
        var sent = Assert.Single(detail.GetProperty("messages").EnumerateArray());
        Assert.Equal("本日発送いたしました。\n\n株式会社例 サポート窓口", sent.GetProperty("text").GetString());
        Assert.Equal("納品書.pdf", Assert.Single(sent.GetProperty("attachments").EnumerateArray()).GetProperty("fileName").GetString());
    }
}
