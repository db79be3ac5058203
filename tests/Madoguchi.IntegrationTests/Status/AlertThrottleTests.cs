using System.Net;
using Madoguchi.Core.Data;
using Madoguchi.Core.Operators;
using Madoguchi.Core.Status;
using Madoguchi.Core.Status.Monitoring;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Status;

/// <summary>Every operator is told when a component leaves "operational" and when it recovers; a component that flaps
/// inside the throttle window raises no new alert until the window has passed.</summary>
public sealed class AlertThrottleTests
{
    private static readonly DateTime T0 = new(2026, 12, 5, 9, 0, 0, DateTimeKind.Utc);

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Flapping_AlertsThrottled_RecoveryAnnounced_EveryOperatorTold(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var second = await app.WithDbAsync(async db =>
        {
            var op = new Operator { Email = $"second-{Guid.NewGuid():N}@madoguchi.test", PasswordHash = "x", CreatedAt = T0 };
            db.Operators.Add(op);
            await db.SaveChangesAsync();
            return op.Id;
        });

        await RoundAsync(app, T0, ComponentState.MajorOutage);
        var afterOutage = await AlertsAsync(app);
        await RoundAsync(app, T0.AddMinutes(1), ComponentState.Operational);
        var afterRecovery = await AlertsAsync(app);
        await RoundAsync(app, T0.AddMinutes(2), ComponentState.MajorOutage);
        await RoundAsync(app, T0.AddMinutes(3), ComponentState.PartialOutage);
        var whileThrottled = await AlertsAsync(app);
        await RoundAsync(app, T0.AddMinutes(31), ComponentState.PartialOutage);
        await RoundAsync(app, T0.AddMinutes(32), ComponentState.PartialOutage);
        var afterWindow = await AlertsAsync(app);

        // Two operators, one notice each per announcement; the other components stayed operational and raised nothing.
        Assert.Equal(2, afterOutage.Count);
        Assert.Contains(afterOutage, a => a.OperatorId == second);
        Assert.All(afterOutage, a => Assert.Equal((StatusComponent.Storage, ComponentState.MajorOutage, ComponentState.Operational), (a.Component, a.State, a.PreviousState)));
        Assert.Equal(4, afterRecovery.Count);
        Assert.All(afterRecovery.Skip(2), a => Assert.True(a.IsRecovery));
        Assert.All(afterRecovery.Skip(2), a => Assert.Equal(ComponentState.MajorOutage, a.PreviousState));
        Assert.Equal(4, whileThrottled.Count);
        Assert.Equal(6, afterWindow.Count);
        Assert.All(afterWindow.Skip(4), a => Assert.Equal((ComponentState.PartialOutage, ComponentState.Operational, T0.AddMinutes(31)), (a.State, a.PreviousState, a.CreatedAt)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Alerts_OnlyForOperators_AndOnlyTheirOwn(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var other = await app.WithDbAsync(async db =>
        {
            var op = new Operator { Email = $"other-{Guid.NewGuid():N}@madoguchi.test", PasswordHash = "x", CreatedAt = T0 };
            db.Operators.Add(op);
            await db.SaveChangesAsync();
            return op.Id;
        });
        await RoundAsync(app, T0, ComponentState.MajorOutage);
        var othersAlert = (await AlertsAsync(app)).Single(a => a.OperatorId == other);
        var account = await app.CreateAccountAsync();
        using var owner = await account.SignInOwnerAsync();
        using var operatorClient = await app.SignInOperatorAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetAsync("/api/v1/operator/alerts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.PostAsync($"/api/v1/operator/alerts/{othersAlert.Id}/read", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.PostAsync($"/api/v1/operator/alerts/{othersAlert.Id}/read", null)).StatusCode);
        Assert.DoesNotContain(othersAlert.Id.ToString(), await operatorClient.GetStringAsync("/api/v1/operator/alerts"), StringComparison.Ordinal);
        Assert.Null((await AlertsAsync(app)).Single(a => a.Id == othersAlert.Id).ReadAt);
    }

    private static async Task RoundAsync(MadoguchiApp app, DateTime now, ComponentState storage)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var readings = new Dictionary<StatusComponent, ProbeReading>
        {
            [StatusComponent.Web] = new(ComponentState.Operational, "ok"),
            [StatusComponent.Database] = new(ComponentState.Operational, "ok"),
            [StatusComponent.Storage] = new(storage, "test"),
            [StatusComponent.Receiving] = new(ComponentState.Operational, "ok"),
        };
        await scope.ServiceProvider.GetRequiredService<AnnounceStateChangesCommand>().HandleAsync(readings, now, CancellationToken.None);
    }

    private static Task<List<OperatorAlert>> AlertsAsync(MadoguchiApp app) =>
        app.WithDbAsync(db => db.OperatorAlerts.AsNoTracking().OrderBy(a => a.CreatedAt).ThenBy(a => a.State == ComponentState.Operational).ToListAsync());
}
