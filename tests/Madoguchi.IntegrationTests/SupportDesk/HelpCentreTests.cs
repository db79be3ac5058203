using System.Globalization;
using System.Net;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Madoguchi.Web.Ui.Help;
using Madoguchi.Web.Ui.Status;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Madoguchi.IntegrationTests.SupportDesk;

/// <summary>The self-help centre is plain static pages, for anyone, in Japanese and English; the status page's desk section
/// renders statically from the stored calendar.</summary>
public sealed class HelpCentreTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData("ja", "ヘルプセンター", "アカウントがロックされた", "メールが届かない")]
    [InlineData("en", "Help centre", "My account is locked", "Mail is not arriving")]
    public async Task HelpCentre_SignedOut_ListsAndServesEveryGuideInTheBrowsersLanguage(string language, string centre, string locked, string notArriving)
    {
        var app = await apps.GetAsync(DatabaseProvider.Sqlite);
        var client = app.NewClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);

        var index = await client.GetStringAsync("/help");
        Assert.Contains(centre, index, StringComparison.Ordinal);
        foreach (var guide in HelpGuides.All)
        {
            Assert.Contains($"href=\"{HelpGuides.Url(guide)}\"", index, StringComparison.Ordinal);
            var page = await client.GetAsync(HelpGuides.Url(guide));
            await page.AssertStatusAsync(HttpStatusCode.OK);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains($"data-guide=\"{HelpGuides.Slug(guide)}\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Guide_", html, StringComparison.Ordinal);
            Assert.DoesNotContain("\"type\":\"server\"", html, StringComparison.Ordinal); // static: no interactive circuit
        }
        Assert.Contains(locked, await client.GetStringAsync(HelpGuides.Url(HelpGuide.AccountLocked)), StringComparison.Ordinal);
        Assert.Contains(notArriving, await client.GetStringAsync(HelpGuides.Url(HelpGuide.MailNotArriving)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/help/no-such-guide")).StatusCode);
    }

    [Fact]
    public void HelpGuides_EverySlugIsDistinctAndFindsItsGuide()
    {
        Assert.Equal(6, HelpGuides.All.Select(HelpGuides.Slug).Distinct().Count());
        Assert.All(HelpGuides.All, g => Assert.Equal(g, HelpGuides.FromSlug(HelpGuides.Slug(g))));
        Assert.Null(HelpGuides.FromSlug("../signin"));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SupportDeskSection_StaticRender_ShowsTheStoredHoursAndClosures(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        await app.WithDbAsync(async db =>
        {
            db.SupportHours.RemoveRange(db.SupportHours);
            db.SupportClosures.RemoveRange(db.SupportClosures);
            db.SupportHours.Add(new Core.Status.SupportDesk.SupportHours { Day = DayOfWeek.Wednesday, OpensMinute = 10 * 60, ClosesMinute = 16 * 60 });
            db.SupportClosures.Add(new Core.Status.SupportDesk.SupportClosure { Label = "お盆休み", FirstDay = new DateOnly(2999, 8, 13), LastDay = new DateOnly(2999, 8, 16) });
            return await db.SaveChangesAsync();
        });

        var html = await RenderAsync(app, "ja-JP");

        Assert.Contains("サポート窓口", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">水曜日</th><td>10:00–16:00</td>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">月曜日</th><td>休み</td>", html, StringComparison.Ordinal);
        Assert.Contains("お盆休み", html, StringComparison.Ordinal);
        Assert.Contains("2999年8月13日", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"support-desk-now\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/help\"", html, StringComparison.Ordinal);
    }

    private static async Task<string> RenderAsync(MadoguchiApp app, string culture)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<ILoggerFactory>());
        var before = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
            return await renderer.Dispatcher.InvokeAsync(async () =>
                (await renderer.RenderComponentAsync<SupportDeskSection>(ParameterView.Empty)).ToHtmlString());
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = before;
        }
    }
}
