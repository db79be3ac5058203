using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Audit;

/// <summary>Served by Kestrel, so that requests come from a real address that the log records.</summary>
public sealed class AuditLogTests(KestrelAppFixture apps) : IClassFixture<KestrelAppFixture>
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AuditLog_LockingSignInFailures_AreRecordedWithWhoWhatWhenAndIp(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var user = await account.AddActiveUserAsync(owner);
        var before = DateTime.UtcNow.AddSeconds(-1);
        for (var i = 0; i < 5; i++)
            await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = user.Email, password = "wrong-password" });

        var failures = await (await owner.GetAsync($"/api/v1/audit-log?action=signInFailed&userId={user.Id}")).ReadAsync<PageBody<AuditEntryView>>();
        var locked = await (await owner.GetAsync($"/api/v1/audit-log?action=userLocked&userId={user.Id}")).ReadAsync<PageBody<AuditEntryView>>();

        Assert.Equal(5, failures.Total);
        var lockEntry = Assert.Single(locked.Items);
        Assert.Equal(user.Id, lockEntry.TargetUserId);
        Assert.Contains(user.Email, lockEntry.TargetName, StringComparison.Ordinal);
        Assert.InRange(lockEntry.At, before, DateTime.UtcNow.AddSeconds(1));
        Assert.Equal("127.0.0.1", lockEntry.IpAddress);
        Assert.All(failures.Items, e => Assert.Equal("127.0.0.1", e.IpAddress));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AuditLog_RecordsUserCreationOwnerChangesUnlockAndDeletionNewestFirst(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var user = await account.AddActiveUserAsync(owner);
        await (await owner.PutAsync($"/api/v1/users/{user.Id}/owner", null)).AssertStatusAsync(HttpStatusCode.OK);
        await (await owner.DeleteAsync($"/api/v1/users/{user.Id}/owner")).AssertStatusAsync(HttpStatusCode.OK);
        await app.LockAsync(user.Id);
        await (await owner.PostAsync($"/api/v1/users/{user.Id}/unlock", null)).AssertStatusAsync(HttpStatusCode.OK);
        await (await owner.DeleteAsync($"/api/v1/users/{user.Id}")).AssertStatusAsync(HttpStatusCode.NoContent);

        var log = await (await owner.GetAsync($"/api/v1/audit-log?userId={user.Id}")).ReadAsync<PageBody<AuditEntryView>>();

        Assert.Equal(
            [AuditAction.UserDeleted, AuditAction.UserUnlocked, AuditAction.OwnerRevoked, AuditAction.OwnerGranted, AuditAction.InvitationAccepted, AuditAction.UserCreated],
            log.Items.Select(e => e.Action));
        Assert.All(log.Items.Where(e => e.Action != AuditAction.InvitationAccepted), e => Assert.Equal(account.Owner.Id, e.ActorUserId));
        Assert.All(log.Items, e => Assert.Equal(user.Id, e.TargetUserId));
        Assert.All(log.Items, e => Assert.Equal("127.0.0.1", e.IpAddress));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AuditLog_FiltersByActionUserAndTime(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var (first, _) = await account.InviteUserAsync(owner);
        var (second, _) = await account.InviteUserAsync(owner);
        // Move the first creation back a day so a time window can tell them apart.
        var yesterday = DateTime.UtcNow.AddDays(-1);
        await app.WithDbAsync(db => db.AuditEntries.Where(e => e.TargetUserId == first.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.At, yesterday)));
        var cut = Uri.EscapeDataString(DateTime.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture));

        var created = await (await owner.GetAsync("/api/v1/audit-log?action=userCreated")).ReadAsync<PageBody<AuditEntryView>>();
        var byUser = await (await owner.GetAsync($"/api/v1/audit-log?userId={second.Id}")).ReadAsync<PageBody<AuditEntryView>>();
        var since = await (await owner.GetAsync($"/api/v1/audit-log?action=userCreated&from={cut}")).ReadAsync<PageBody<AuditEntryView>>();
        var until = await (await owner.GetAsync($"/api/v1/audit-log?action=userCreated&to={cut}")).ReadAsync<PageBody<AuditEntryView>>();
        var byActor = await (await owner.GetAsync($"/api/v1/audit-log?userId={account.Owner.Id}")).ReadAsync<PageBody<AuditEntryView>>();

        Assert.Equal(2, created.Total);
        Assert.Equal([second.Id], byUser.Items.Select(e => e.TargetUserId));
        Assert.Equal([second.Id], since.Items.Select(e => e.TargetUserId));
        Assert.Equal([first.Id], until.Items.Select(e => e.TargetUserId));
        Assert.Equal([AuditAction.UserCreated, AuditAction.UserCreated, AuditAction.ApiTokenCreated], byActor.Items.Select(e => e.Action).Order());
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AuditLog_AsNonOwner_Answers403(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var member = await account.AddActiveUserAsync(await app.TokenClientAsync(account.Owner));

        await (await (await app.TokenClientAsync(member)).GetAsync("/api/v1/audit-log")).AssertProblemAsync(HttpStatusCode.Forbidden, "owners_only");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AuditLog_PagesWithTotalAndRefusesLimitAbove200(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        for (var i = 0; i < 3; i++)
            await account.InviteUserAsync(owner);

        var all = await (await owner.GetAsync("/api/v1/audit-log")).ReadAsync<PageBody<AuditEntryView>>();
        var page = await (await owner.GetAsync("/api/v1/audit-log?offset=1&limit=2")).ReadAsync<PageBody<AuditEntryView>>();

        Assert.Equal(all.Total, page.Total);
        Assert.Equal(all.Items.Skip(1).Take(2).Select(e => e.Id), page.Items.Select(e => e.Id));
        await (await owner.GetAsync("/api/v1/audit-log?limit=201")).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_limit");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AuditLog_ActionFilter_TakesTheSpellingTheApiWritesAndRefusesUnknownOnes(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        await account.InviteUserAsync(owner);
        var written = (await (await owner.GetAsync("/api/v1/audit-log")).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>())
            .GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToList();
        Assert.Contains("userCreated", written);

        foreach (var spelling in new[] { "userCreated", "UserCreated", "usercreated" })
            Assert.Equal(1, (await (await owner.GetAsync($"/api/v1/audit-log?action={spelling}")).ReadAsync<PageBody<AuditEntryView>>()).Total);
        foreach (var unknown in new[] { "userExploded", "5", "99" })
            await (await owner.GetAsync($"/api/v1/audit-log?action={unknown}")).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_action");
    }
}
