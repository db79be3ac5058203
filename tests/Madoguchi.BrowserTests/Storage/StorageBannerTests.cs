using System.Net.Http.Json;
using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests.Storage;

/// <summary>Issue 9's 残り N MB banner near the storage limit, in Japanese and English, and its self-help link.</summary>
[Collection(BrowserCollection.Name)]
public sealed class StorageBannerTests(BrowserFixture fixture)
{
    [Fact]
    public async Task NearTheLimit_EveryUserSeesMegabytesLeft_InJapaneseAndEnglish_GuideLinkLandsOnTheGuide()
    {
        var app = fixture.App;
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        await app.ReceiveAsync(inbox.Id, InboundMail.Eml($"{Guid.NewGuid():N}@customer.example"));
        var owner = await account.SignInOwnerAsync();
        var english = await account.AddActiveUserAsync(owner, "Smith", "Anna");
        var englishApi = await app.SignInAsync(english.Email);
        (await englishApi.PatchAsJsonAsync("/api/v1/me", new { language = "en" })).EnsureSuccessStatusCode();
        // The browser suite's installation keeps the default limit (1024 MB): 42 MB left is under its 10% threshold.
        const long mb = 1024 * 1024;
        await app.WithDbAsync(db => db.AccountStorageUsages.Where(u => u.AccountId == account.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Bytes, 1024 * mb - 42 * mb)));

        await using var ja = await fixture.NewSessionAsync();
        await ja.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
        await ja.WaitLiveAsync();
        var banner = ja.Page.GetByRole(AriaRole.Region, new() { Name = "容量" });
        await Expect(banner).ToContainTextAsync("残り 42 MB");
        await Expect(banner.GetByRole(AriaRole.Link, new() { Name = "容量の追加を申し込む" })).ToHaveAttributeAsync("href", "/settings/plan");
        await Expect(banner.GetByRole(AriaRole.Link, new() { Name = "ゴミ箱を空にする" })).ToBeVisibleAsync();
        await ja.Page.ScreenshotAsync(new() { Path = Screenshots.PathFor("storage-banner-ja") });
        await banner.GetByRole(AriaRole.Link, new() { Name = "ガイド：容量がいっぱいになった" }).ClickAsync();
        await ja.Page.WaitForURLAsync("**/help/storage-full");
        await Expect(ja.Page.GetByRole(AriaRole.Heading, new() { Name = "容量がいっぱいになった", Level = 1 })).ToBeVisibleAsync();

        await using var en = await fixture.NewSessionAsync();
        await en.SignInAsync(english.Email, MadoguchiApp.DefaultPassword);
        await en.WaitLiveAsync();
        var enBanner = en.Page.GetByRole(AriaRole.Region, new() { Name = "Storage" });
        await Expect(enBanner).ToContainTextAsync("42 MB left");
        await Expect(enBanner.GetByRole(AriaRole.Link, new() { Name = "Request more storage" })).ToHaveCountAsync(0);
        await en.Page.ScreenshotAsync(new() { Path = Screenshots.PathFor("storage-banner-en") });
    }
}
