using Madoguchi.Core.Data;
using Madoguchi.Core.Status;
using Madoguchi.Core.Status.Summary;
using Madoguchi.Testing.App;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Status;

public sealed class UptimeTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task UptimeHistory_FromStoredProbes_CountsTheCalendarDaysOfThePageZone(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        // Far in the past, so no probe round of the running app falls in the window: 2020-01-10 23:50 JST to 00:20 JST, every 5 min,
        // operational until midnight JST and a major outage after it.
        var start = new DateTime(2020, 1, 10, 14, 50, 0, DateTimeKind.Utc);
        await app.WithDbAsync(async db =>
        {
            for (var i = 0; i < 6; i++)
                db.ProbeResults.Add(new ProbeResult
                {
                    Component = StatusComponent.Receiving,
                    State = i < 2 ? ComponentState.Operational : ComponentState.MajorOutage,
                    CheckedAt = start.AddMinutes(5 * i),
                });
            return await db.SaveChangesAsync();
        });
        var now = new DateTime(2020, 1, 12, 0, 0, 0, DateTimeKind.Utc);

        var tokyo = await DaysAsync(app, "Asia/Tokyo", now);
        var utc = await DaysAsync(app, "UTC", now);

        // JST: 10 min up on the 10th, 20 min down on the 11th (the last result counts for the 5 min gap).
        Assert.Equal([null, 100, 0, null], tokyo[StatusComponent.Receiving].Select(d => d.Percent));
        Assert.Equal(new DateOnly(2020, 1, 10), tokyo[StatusComponent.Receiving][1].Date);
        Assert.Equal(TimeSpan.FromMinutes(20), tokyo[StatusComponent.Receiving][2].Down);
        // UTC: all of it on the 10th: 10 min up of 30.
        var tenth = utc[StatusComponent.Receiving].Single(d => d.Date == new DateOnly(2020, 1, 10));
        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(20)), (tenth.Up, tenth.Down));
        Assert.All(tokyo[StatusComponent.Web], d => Assert.Null(d.Percent));
    }

    private static async Task<IReadOnlyDictionary<StatusComponent, IReadOnlyList<UptimeDay>>> DaysAsync(MadoguchiApp app, string zone, DateTime now)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        return await new UptimeHistory().GetAsync(db, TimeZoneInfo.FindSystemTimeZoneById(zone), 4, TimeSpan.FromMinutes(5), now, CancellationToken.None);
    }
}
