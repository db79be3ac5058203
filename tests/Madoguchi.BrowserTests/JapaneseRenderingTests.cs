using Madoguchi.BrowserTests.Infrastructure;
using Madoguchi.Testing.App;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Madoguchi.BrowserTests;

/// <summary>Without a Japanese font every kana and kanji renders as the same empty box (tofu). These tests take the
/// screenshots a reviewer looks at and prove, pixel by pixel, that the words are real glyphs.</summary>
[Collection(BrowserCollection.Name)]
public sealed class JapaneseRenderingTests(BrowserFixture fixture)
{
    // Draws the text in the element's own font on a canvas, and the same number of U+E000 (a private-use codepoint no
    // font here has, so always tofu). Real glyphs differ from boxes; missing glyphs would all be the same box.
    private const string CompareWithTofu = """
        (element, text) => {
            const font = getComputedStyle(element).font;
            const draw = t => {
                const canvas = document.createElement('canvas');
                canvas.width = 400; canvas.height = 80;
                const g = canvas.getContext('2d');
                g.font = font; g.fillStyle = '#000'; g.textBaseline = 'middle';
                g.fillText(t, 4, 40);
                return g.getImageData(0, 0, 400, 80).data;
            };
            const real = draw(text), tofu = draw('\uE000'.repeat([...text].length));
            let differing = 0, ink = 0;
            for (let i = 3; i < real.length; i += 4) {
                if (real[i] !== tofu[i]) differing++;
                if (real[i] > 0) ink++;
            }
            return { differing, ink, font };
        }
        """;

    [Fact]
    public async Task Screenshots_Japanese_RenderRealGlyphs()
    {
        var account = await fixture.App.CreateAccountAsync("株式会社サンプル");
        var locked = await account.AddActiveUserAsync("高橋", "美咲");
        await fixture.App.WithDbAsync(async db =>
        {
            // Lock the user the honest way would take five page loads; the lock rules have their own tests.
            var user = await db.Users.FindAsync(locked.Id);
            user!.State = Core.Accounts.Users.UserState.Locked;
            user.LockedAt = DateTime.UtcNow;
            return await db.SaveChangesAsync();
        });

        await using var session = await fixture.NewSessionAsync();
        await session.Page.GotoAsync("/signin");
        await session.Page.ScreenshotAsync(new() { Path = Screenshots.PathFor("signin-ja"), FullPage = true });
        await AssertRealGlyphsAsync(session.Page.Locator("h1"), "ログイン");

        await session.SignInAsync(account.Owner.Email, MadoguchiApp.DefaultPassword);
        await session.OpenUsersThroughGearAsync();
        await session.Page.GetByRole(AriaRole.Tab, new() { Name = "ロック中" }).ClickAsync();
        var unlock = session.UserRow(locked.Email).GetByRole(AriaRole.Button, new() { Name = "元に戻す" });
        await Expect(unlock).ToBeVisibleAsync();
        await session.Page.ScreenshotAsync(new() { Path = Screenshots.PathFor("users-locked-ja"), FullPage = true });

        await AssertRealGlyphsAsync(unlock, "元に戻す");
        await AssertRealGlyphsAsync(session.Page.GetByRole(AriaRole.Tab, new() { Name = "ロック中" }), "ロック中");
        Assert.True(File.Exists(Screenshots.PathFor("users-locked-ja")));
    }

    private static async Task AssertRealGlyphsAsync(ILocator element, string text)
    {
        await Expect(element).ToContainTextAsync(text);
        var result = await element.EvaluateAsync<GlyphComparison>(CompareWithTofu, text);
        Assert.True(result.Ink > 50, $"「{text}」 drew almost nothing in {result.Font}.");
        Assert.True(result.Differing > result.Ink / 4, $"「{text}」 looks like tofu boxes in {result.Font}: {result.Differing} of {result.Ink} pixels differ.");
    }

    private sealed class GlyphComparison
    {
        public int Differing { get; set; }
        public int Ink { get; set; }
        public string Font { get; set; } = "";
    }
}
