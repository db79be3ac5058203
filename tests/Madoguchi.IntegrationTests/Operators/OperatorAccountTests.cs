using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Operators;
using Madoguchi.IntegrationTests.Receiving;
using Madoguchi.Testing.App;
using Madoguchi.Testing.Servers;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Operators;

public sealed class OperatorAccountTests(DovecotFixture dovecot) : IClassFixture<DovecotFixture>
{
    private static async Task<AccountOverview> OverviewAsync(HttpClient operatorClient, Guid accountId)
    {
        var page = await (await operatorClient.GetAsync("/api/v1/operator/accounts?limit=200")).ReadAsync<PageBody<AccountOverview>>();
        return page.Items.Single(a => a.Id == accountId);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OpenAccount_FirstOwnerIsInvited_AcceptsAndSignsInAsOwner_ListedWithOwnerAndLastActivity(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var operatorClient = await app.SignInOperatorAsync();
        var email = $"first-owner.{Guid.NewGuid():N}@example.com";

        var opened = await (await operatorClient.PostAsJsonAsync("/api/v1/operator/accounts",
            new { accountName = "株式会社ひらく", ownerEmail = email, ownerFamilyName = "佐藤", ownerGivenName = "花子" })).ReadAsync<OpenedAccountBody>(HttpStatusCode.Created);
        await (await operatorClient.PostAsJsonAsync("/api/v1/operator/accounts",
            new { accountName = "二重", ownerEmail = email, ownerFamilyName = "佐藤", ownerGivenName = "花子" })).AssertProblemAsync(HttpStatusCode.Conflict, "email_taken");

        Assert.Equal(UserState.Invited, opened.Owner.State);
        Assert.True(opened.Owner.IsOwner);
        Assert.Contains("/invitations/inv_", opened.InvitationUrl, StringComparison.Ordinal);
        var token = opened.InvitationUrl[(opened.InvitationUrl.LastIndexOf('/') + 1)..];
        var invited = await OverviewAsync(operatorClient, opened.AccountId);
        Assert.Equal("株式会社ひらく", invited.Name);
        Assert.Equal([email], invited.Owners.Select(o => o.Email));

        await (await app.NewClient().PostAsJsonAsync($"/api/v1/invitations/{Uri.UnescapeDataString(token)}/accept", new { password = MadoguchiApp.DefaultPassword }))
            .AssertStatusAsync(HttpStatusCode.OK);
        var owner = await app.SignInAsync(email);
        var me = await (await owner.GetAsync("/api/v1/me")).ReadAsync<UserView>();
        Assert.True(me.IsOwner);
        Assert.Equal(UserState.Active, me.State);

        var active = await OverviewAsync(operatorClient, opened.AccountId);
        Assert.NotNull(active.LastActivityAt);
        Assert.False(active.Suspended);
        var audit = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.AccountId == opened.AccountId).Select(e => e.Action).ToListAsync());
        Assert.Contains(AuditAction.AccountOpened, audit);
        Assert.Contains(AuditAction.InvitationAccepted, audit);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SuspendedAccount_SignInRefusedWithItsReason_SessionsAndTokensStop_MailKeepsArriving_ResumeRestores(DatabaseProvider provider)
    {
        var mailbox = await dovecot.AddUniqueUserAsync();
        await using var scenario = await ReceivingScenario.StartAsync(provider, ReceivingScenario.Settings(worker: true));
        var app = scenario.App;
        await scenario.AddServerAsync(ReceivingScenario.Imap(dovecot.Server, mailbox, new { pollSeconds = 600, useIdle = true }));
        await dovecot.Server.DeliverAsync(mailbox.Name, DovecotServer.SampleMessage("before-suspension@example.test", "Before"));
        Assert.True(await WorkerTests.WaitAsync(async () => (await scenario.StoredAsync()).Count == 1, 30), "the first message was not fetched");
        var ownerToken = await app.TokenClientAsync(scenario.Account.Owner);
        var operatorClient = await app.SignInOperatorAsync();
        const string Reason = "ご請求の確認が取れないため、一時的に利用を停止しています。";

        await (await operatorClient.PostAsJsonAsync($"/api/v1/operator/accounts/{scenario.Account.Id}/suspend", new { reason = "" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "reason_required");
        var suspended = await (await operatorClient.PostAsJsonAsync($"/api/v1/operator/accounts/{scenario.Account.Id}/suspend", new { reason = Reason })).ReadAsync<AccountState>();

        Assert.True(suspended.Suspended);
        // The users: refused with the reason (only after the right password), sessions and tokens end at once.
        var refused = await (await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = scenario.Account.Owner.Email, password = MadoguchiApp.DefaultPassword }))
            .ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal("account_suspended", refused.GetProperty("code").GetString());
        Assert.Equal(Reason, refused.GetProperty("reason").GetString());
        await (await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = scenario.Account.Owner.Email, password = "wrong-password" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials");
        await (await scenario.Owner.GetAsync("/api/v1/me")).AssertStatusAsync(HttpStatusCode.Unauthorized);
        await (await ownerToken.GetAsync("/api/v1/me")).AssertStatusAsync(HttpStatusCode.Unauthorized);
        var listed = await OverviewAsync(operatorClient, scenario.Account.Id);
        Assert.True(listed.Suspended);
        Assert.Equal(Reason, listed.SuspensionReason);

        // Its mail: still fetched and kept while suspended.
        await dovecot.Server.DeliverAsync(mailbox.Name, DovecotServer.SampleMessage("during-suspension@example.test", "During"));
        Assert.True(await WorkerTests.WaitAsync(async () => (await scenario.StoredAsync()).Count == 2, 30), "mail stopped arriving while suspended");

        await (await operatorClient.PostAsync($"/api/v1/operator/accounts/{scenario.Account.Id}/resume", null)).AssertStatusAsync(HttpStatusCode.OK);
        var again = await app.SignInAsync(scenario.Account.Owner.Email);
        await (await again.GetAsync("/api/v1/me")).AssertStatusAsync(HttpStatusCode.OK);
        await (await ownerToken.GetAsync("/api/v1/me")).AssertStatusAsync(HttpStatusCode.OK);
        var audit = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.AccountId == scenario.Account.Id).Select(e => new { e.Action, e.Detail }).ToListAsync());
        Assert.Contains(audit, e => e.Action == AuditAction.AccountSuspended && e.Detail == Reason);
        Assert.Contains(audit, e => e.Action == AuditAction.AccountResumed);
    }

    private sealed record OpenedAccountBody(Guid AccountId, UserView Owner, string InvitationUrl, DateTime InvitationExpiresAt);
}
