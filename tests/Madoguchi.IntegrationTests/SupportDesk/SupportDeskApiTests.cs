using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Operators;
using Madoguchi.Core.Status.SupportDesk;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.SupportDesk;

/// <summary>The support calendar and notices through the operator API, stored in each database. The calendar is one per
/// installation, so this class has its own app per provider and its tests run one after another.</summary>
public sealed class SupportDeskApiTests(AppFixture apps) : IClassFixture<AppFixture>
{
    private static readonly object[] OfficeHours =
        new[] { "monday", "tuesday", "wednesday", "thursday", "friday" }
            .SelectMany(day => new object[] { new { day, opens = "09:00", closes = "12:00" }, new { day, opens = "13:00", closes = "17:30" } })
            .ToArray();

    private static async Task<HttpClient> OperatorTokenClientAsync(MadoguchiApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var token = await scope.ServiceProvider.GetRequiredService<CreateOperatorTokenCommand>().HandleAsync(MadoguchiApp.OperatorEmail, CancellationToken.None);
        var client = app.NewClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        return client;
    }

    private static async Task<SupportDeskAnswer> AnswerAtAsync(HttpClient operatorClient, string at) =>
        (await (await operatorClient.GetAsync($"/api/v1/operator/support-calendar?at={Uri.EscapeDataString(at)}")).ReadAsync<SupportDeskView>()).Answer;

    private static async Task<SupportClosureView> AddClosureAsync(HttpClient operatorClient, string kind, string label, string first, string last) =>
        await (await operatorClient.PostAsJsonAsync("/api/v1/operator/support-calendar/closures", new { kind, label, firstDay = first, lastDay = last }))
            .ReadAsync<SupportClosureView>(HttpStatusCode.Created);

    private static async Task ClearClosuresAsync(HttpClient operatorClient)
    {
        var desk = await (await operatorClient.GetAsync("/api/v1/operator/support-calendar")).ReadAsync<SupportDeskView>();
        foreach (var closure in desk.Closures)
            await (await operatorClient.DeleteAsync($"/api/v1/operator/support-calendar/closures/{closure.Id}")).AssertStatusAsync(HttpStatusCode.NoContent);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SupportCalendar_AcrossWeekendsAndHolidays_AnswersOpenNowAndNextOpening(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var op = await app.SignInOperatorAsync();
        await ClearClosuresAsync(op);
        await (await op.PutAsJsonAsync("/api/v1/operator/support-calendar/hours", new { hours = OfficeHours })).AssertStatusAsync(HttpStatusCode.OK);
        await AddClosureAsync(op, "holiday", "年末年始", "2026-12-29", "2027-01-04");
        await AddClosureAsync(op, "holiday", "ゴールデンウィーク", "2027-04-29", "2027-05-05");
        await AddClosureAsync(op, "oneOff", "社内研修", "2027-05-06", "2027-05-07");

        // A Tuesday morning, then its lunch break, then the Friday evening before a weekend.
        var morning = await AnswerAtAsync(op, "2026-12-01T10:00:00+09:00");
        var lunch = await AnswerAtAsync(op, "2026-12-01T12:30:00+09:00");
        var friday = await AnswerAtAsync(op, "2026-12-04T18:00:00+09:00");
        // Inside the year-end holiday (across the new year), and Golden Week followed by a one-off closure and a weekend.
        var yearEnd = await AnswerAtAsync(op, "2026-12-31T10:00:00+09:00");
        var goldenWeek = await AnswerAtAsync(op, "2027-05-03T10:00:00Z");

        Assert.True(morning.IsOpen);
        Assert.Equal(new DateTime(2026, 12, 1, 3, 0, 0, DateTimeKind.Utc), morning.OpenUntil);
        Assert.False(lunch.IsOpen);
        Assert.Equal(new DateTime(2026, 12, 1, 4, 0, 0, DateTimeKind.Utc), lunch.NextOpensAt);
        Assert.Equal(new DateTime(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc), friday.NextOpensAt);
        Assert.False(yearEnd.IsOpen);
        Assert.Equal("年末年始", yearEnd.ClosedFor);
        Assert.Equal(new DateTime(2027, 1, 5, 0, 0, 0, DateTimeKind.Utc), yearEnd.NextOpensAt);
        Assert.Equal("ゴールデンウィーク", goldenWeek.ClosedFor);
        Assert.Equal(new DateTime(2027, 5, 10, 0, 0, 0, DateTimeKind.Utc), goldenWeek.NextOpensAt);

        // The public answer (what the status page shows) reads the same stored calendar.
        var published = await (await app.NewClient().GetAsync("/api/v1/support-desk")).ReadAsync<SupportDeskView>();
        Assert.Equal("Asia/Tokyo", published.TimeZone);
        Assert.Equal(10, published.Hours.Count);
        Assert.Equal(("monday", "09:00", "12:00"), (published.Hours[0].Day.ToString().ToLowerInvariant(), published.Hours[0].Opens, published.Hours[0].Closes));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SupportCalendar_InvalidHoursOrClosure_Answers400AndKeepsTheCalendar(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var op = await OperatorTokenClientAsync(app);
        await (await op.PutAsJsonAsync("/api/v1/operator/support-calendar/hours", new { hours = OfficeHours })).AssertStatusAsync(HttpStatusCode.OK);

        await (await op.PutAsJsonAsync("/api/v1/operator/support-calendar/hours", new { hours = new[] { new { day = "monday", opens = "09:00", closes = "12:00" }, new { day = "monday", opens = "11:00", closes = "13:00" } } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "ranges_overlap");
        await (await op.PutAsJsonAsync("/api/v1/operator/support-calendar/hours", new { hours = new[] { new { day = "monday", opens = "17:00", closes = "09:00" } } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "closes_before_opens");
        await (await op.PostAsJsonAsync("/api/v1/operator/support-calendar/closures", new { kind = "holiday", label = "お盆", firstDay = "2027-08-16", lastDay = "2027-08-13" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "last_day_before_first");

        Assert.Equal(10, await app.WithDbAsync(db => db.SupportHours.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SupportCalendarApi_AccountUsers_AreRefusedAndOperatorChangesAreAudited(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var ownerToken = await app.TokenClientAsync(account.Owner);
        var ownerSession = await account.SignInOwnerAsync();
        var op = await OperatorTokenClientAsync(app);
        var closuresBefore = await app.WithDbAsync(db => db.SupportClosures.CountAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, (await app.NewClient().GetAsync("/api/v1/operator/support-calendar")).StatusCode);
        foreach (var user in new[] { ownerToken, ownerSession })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync("/api/v1/operator/support-calendar")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await user.PutAsJsonAsync("/api/v1/operator/support-calendar/hours", new { hours = Array.Empty<object>() })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await user.PostAsJsonAsync("/api/v1/operator/support-calendar/closures",
                new { kind = "oneOff", label = "x", firstDay = "2027-01-01", lastDay = "2027-01-01" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await user.PostAsJsonAsync("/api/v1/operator/notices", new { textJa = "x", textEn = "x" })).StatusCode);
        }
        Assert.Equal(closuresBefore, await app.WithDbAsync(db => db.SupportClosures.CountAsync()));

        var obon = await AddClosureAsync(op, "holiday", "お盆休み", "2027-08-13", "2027-08-16");
        await (await op.DeleteAsync($"/api/v1/operator/support-calendar/closures/{obon.Id}")).AssertStatusAsync(HttpStatusCode.NoContent);

        var entries = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.Detail != null && e.Detail.Contains("お盆休み")).ToListAsync());
        Assert.Equal([AuditAction.SupportClosureAdded, AuditAction.SupportClosureRemoved], entries.OrderBy(e => e.At).Select(e => e.Action));
        Assert.All(entries, e => Assert.Null(e.AccountId));
        Assert.All(entries, e => Assert.Contains(MadoguchiApp.OperatorEmail, e.ActorName, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Notices_ShownToAccountUsersDuringTheirPeriod_ClosedPerUser(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var ownerClient = await app.TokenClientAsync(account.Owner);
        var colleague = await app.TokenClientAsync(await account.AddActiveUserAsync(ownerClient));
        var op = await OperatorTokenClientAsync(app);
        var closure = await AddClosureAsync(op, "holiday", "年末年始休業", "2027-12-28", "2028-01-04");

        // Tied to a closure without a period: from NoticeDaysBefore (7) days before its first day until its end, desk time (JST).
        var tied = await (await op.PostAsJsonAsync("/api/v1/operator/notices", new { textJa = "年末年始はサポートを休業します。", textEn = "Support is closed over the new year.", closureId = closure.Id }))
            .ReadAsync<SupportNoticeView>(HttpStatusCode.Created);
        var now = DateTime.UtcNow;
        var current = await (await op.PostAsJsonAsync("/api/v1/operator/notices",
            new { textJa = "現在のお知らせ", textEn = "Current notice", shownFrom = now.AddDays(-1), shownUntil = now.AddDays(1) })).ReadAsync<SupportNoticeView>(HttpStatusCode.Created);

        Assert.Equal(new DateTime(2027, 12, 20, 15, 0, 0, DateTimeKind.Utc), tied.ShownFrom);
        Assert.Equal(new DateTime(2028, 1, 4, 15, 0, 0, DateTimeKind.Utc), tied.ShownUntil);
        var seen = await (await ownerClient.GetAsync("/api/v1/notices")).ReadAsync<List<SupportNoticeView>>();
        Assert.Contains(seen, n => n.Id == current.Id);
        Assert.DoesNotContain(seen, n => n.Id == tied.Id);

        await (await ownerClient.PostAsync($"/api/v1/notices/{current.Id}/dismiss", null)).AssertStatusAsync(HttpStatusCode.NoContent);
        await (await ownerClient.PostAsync($"/api/v1/notices/{current.Id}/dismiss", null)).AssertStatusAsync(HttpStatusCode.NoContent);

        Assert.DoesNotContain(await (await ownerClient.GetAsync("/api/v1/notices")).ReadAsync<List<SupportNoticeView>>(), n => n.Id == current.Id);
        Assert.Contains(await (await colleague.GetAsync("/api/v1/notices")).ReadAsync<List<SupportNoticeView>>(), n => n.Id == current.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await op.GetAsync("/api/v1/notices")).StatusCode);
        await (await op.DeleteAsync($"/api/v1/operator/notices/{current.Id}")).AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.DoesNotContain(await (await colleague.GetAsync("/api/v1/notices")).ReadAsync<List<SupportNoticeView>>(), n => n.Id == current.Id);
    }
}
