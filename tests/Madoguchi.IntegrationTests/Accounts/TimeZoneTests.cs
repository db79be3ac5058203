using System.Net;
using System.Net.Http.Json;
using Madoguchi.Core.Accounts;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Health;
using Madoguchi.Core.Receiving.Servers;
using Madoguchi.Core.Receiving.Storage;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Madoguchi.IntegrationTests.Accounts;

/// <summary>Times are shown, and "today" begins, in the account's time zone (default Asia/Tokyo) or the user's own; never
/// in the server's (the tests run in UTC).</summary>
public sealed class TimeZoneTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task FetchedToday_StartsAtMidnightInTheViewersZone_NotTheServers(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var serverId = Guid.NewGuid();
        await app.WithDbAsync(async db =>
        {
            db.ReceiveServers.Add(new ReceiveServer
            {
                Id = serverId, AccountId = account.Id, InboxId = inbox.Id, Protocol = ReceiveProtocol.Imap, Host = "192.0.2.1", Port = 993,
                Username = "tz", ProtectedPassword = "not-a-secret", CreatedAt = DateTime.UtcNow, UseIdle = false, PollSeconds = 3600,
            });
            // 01:00 on 2 January in Tokyo (16:00 UTC on 1 January), and 23:59 on 1 January in Tokyo.
            db.RawMessages.Add(Raw(account.Id, inbox.Id, serverId, 1, new DateTime(2026, 1, 1, 16, 0, 0, DateTimeKind.Utc)));
            db.RawMessages.Add(Raw(account.Id, inbox.Id, serverId, 2, new DateTime(2026, 1, 1, 14, 59, 0, DateTimeKind.Utc)));
            return await db.SaveChangesAsync();
        });
        // Noon on 2 January in Tokyo; 03:00 UTC, when the UTC day holds neither message.
        var now = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 0, 0, TimeSpan.Zero));
        var owner = Actor.User(account.Owner.Id, account.Id, account.Owner.Email, null);

        var tokyo = await FetchedTodayAsync(app, owner, inbox.Id, now);
        await SetOwnZoneAsync(app, owner, "UTC");
        var utc = await FetchedTodayAsync(app, owner, inbox.Id, now);
        await SetOwnZoneAsync(app, owner, "America/Los_Angeles");
        var losAngeles = await FetchedTodayAsync(app, owner, inbox.Id, now);

        Assert.Equal(1, tokyo);
        Assert.Equal(0, utc);
        // 19:00 on 1 January in Los Angeles: both messages are from that day.
        Assert.Equal(2, losAngeles);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Api_AccountZoneDefaultsToTokyo_OwnersChangeIt_UsersOverrideIt_BadIdsAreRefused(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var member = await app.TokenClientAsync(await account.AddActiveUserAsync(owner));

        var initial = await (await owner.GetAsync("/api/v1/account")).ReadAsync<AccountView>();
        var changed = await (await owner.PatchAsJsonAsync("/api/v1/account", new { timeZone = "Europe/Berlin" })).ReadAsync<AccountView>();
        await (await owner.PatchAsJsonAsync("/api/v1/account", new { timeZone = "Mars/Olympus_Mons" })).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_time_zone");
        await (await member.PatchAsJsonAsync("/api/v1/account", new { timeZone = "UTC" })).AssertStatusAsync(HttpStatusCode.Forbidden);
        var memberSees = await (await member.GetAsync("/api/v1/account")).ReadAsync<AccountView>();
        var before = await (await member.GetAsync("/api/v1/me")).ReadAsync<UserView>();
        await (await member.PatchAsJsonAsync("/api/v1/me", new { language = "en" })).AssertStatusAsync(HttpStatusCode.OK);
        var own = await (await member.PatchAsJsonAsync("/api/v1/me", new { timeZone = "America/New_York" })).ReadAsync<UserView>();
        await (await member.PatchAsJsonAsync("/api/v1/me", new { timeZone = "JST" })).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_time_zone");
        var back = await (await member.PatchAsJsonAsync("/api/v1/me", new { timeZone = (string?)null })).ReadAsync<UserView>();

        Assert.Equal(TimeZones.Default, initial.TimeZone);
        Assert.Equal("Europe/Berlin", changed.TimeZone);
        Assert.Equal("Europe/Berlin", memberSees.TimeZone);
        Assert.Null(before.TimeZone);
        Assert.Equal("America/New_York", own.TimeZone);
        // Setting the zone left the language alone, and the refused id changed nothing.
        Assert.Equal("en", own.Language);
        Assert.Null(back.TimeZone);
        Assert.Equal("en", back.Language);
        var audit = Assert.Single((await (await owner.GetAsync("/api/v1/audit-log?action=accountTimeZoneChanged")).ReadAsync<PageBody<AuditEntryView>>()).Items);
        Assert.Equal("Asia/Tokyo → Europe/Berlin", audit.Detail);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AuditLogPage_ShowsTimesInTheAccountsZone_ThenInTheUsersOwn(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        await app.WithDbAsync(async db =>
        {
            db.AuditEntries.Add(new AuditEntry
            {
                AccountId = account.Id, At = new DateTime(2026, 1, 1, 16, 0, 0, DateTimeKind.Utc), Action = AuditAction.UserUpdated,
                ActorName = "tz-test", Detail = "time zone probe",
            });
            return await db.SaveChangesAsync();
        });
        var owner = await account.SignInOwnerAsync();

        var inTokyo = await owner.GetStringAsync("/settings/audit");
        await (await owner.PatchAsJsonAsync("/api/v1/me", new { timeZone = "UTC" })).AssertStatusAsync(HttpStatusCode.OK);
        var inUtc = await owner.GetStringAsync("/settings/audit");

        Assert.Contains("time zone probe", inTokyo, StringComparison.Ordinal);
        Assert.Contains("2026-01-02 01:00", inTokyo, StringComparison.Ordinal);
        Assert.DoesNotContain("2026-01-01 16:00", inTokyo, StringComparison.Ordinal);
        Assert.Contains("2026-01-01 16:00", inUtc, StringComparison.Ordinal);
    }

    private static RawMessage Raw(Guid accountId, Guid inboxId, Guid serverId, int uid, DateTime receivedAt) => new()
    {
        AccountId = accountId, InboxId = inboxId, ReceiveServerId = serverId, BlobHash = $"{Guid.NewGuid():N}{uid:D32}"[..64], Size = 100,
        ReceivedAt = receivedAt, Folder = "INBOX", UidValidity = 1, Uid = uid, ProcessedAt = receivedAt,
    };

    private static async Task<int> FetchedTodayAsync(MadoguchiApp app, Actor actor, Guid inboxId, TimeProvider now)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var query = new GetReceiveStatusQuery(sp.GetRequiredService<MadoguchiDbContext>(), sp.GetRequiredService<GetDisplayTimeZoneQuery>(), now);
        var status = await query.HandleAsync(actor, inboxId, CancellationToken.None);
        Assert.True(status.Succeeded, status.Error?.Message);
        return Assert.Single(status.Value!).FetchedToday;
    }

    private static async Task SetOwnZoneAsync(MadoguchiApp app, Actor actor, string zone)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<SetOwnTimeZoneCommand>().HandleAsync(actor, zone, CancellationToken.None);
        Assert.True(result.Succeeded, result.Error?.Message);
    }
}
