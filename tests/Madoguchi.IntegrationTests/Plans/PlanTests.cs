using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Operators;
using Madoguchi.Core.Plans;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Plans;

public sealed class PlanTests(AppFixture apps) : IClassFixture<AppFixture>
{
    private static async Task<AccountPlanView> PlanAsync(HttpClient owner) => await (await owner.GetAsync("/api/v1/account/plan")).ReadAsync<AccountPlanView>();

    private static Task<HttpResponseMessage> InviteAsync(HttpClient owner) =>
        owner.PostAsJsonAsync("/api/v1/users", new { familyName = "追加", givenName = "太郎", email = $"extra-{Guid.NewGuid():N}@example.com" });

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OwnerRequestsFiveExtraUsers_PendingUntilOperatorApproves_ThenTheLimitRisesByFiveAndTheRefusedUserIsCreated(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var operatorClient = await app.SignInOperatorAsync();

        // Without a plan the installation's defaults apply (the test app's settings).
        var unplanned = await PlanAsync(owner);
        Assert.Null(unplanned.Plan);
        Assert.Equal(1000, unplanned.Limits.Users);

        // The operator adds a plan of 5 users and 1 inbox and puts the account on it.
        var plan = await (await operatorClient.PostAsJsonAsync("/api/v1/operator/plans", new
        {
            name = $"5人プラン {Guid.NewGuid():N}", users = 5, inboxes = 1, storageMb = 2048, monthlyPriceYen = 4_980, customSmtp = false, auditRetentionDays = 7,
        })).ReadAsync<PlanView>(HttpStatusCode.Created);
        await (await operatorClient.PutAsJsonAsync($"/api/v1/operator/accounts/{account.Id}/plan", new { planId = plan.Id })).AssertStatusAsync(HttpStatusCode.OK);
        var price = await (await operatorClient.PutAsJsonAsync("/api/v1/operator/options/users", new { monthlyPriceYen = 500 })).ReadAsync<OptionPriceView>();
        Assert.Equal(OptionKind.Users, price.Kind);

        // Owner + 4 = 5 users, one of them locked and one only invited: every one counts, the next invitation is refused.
        var locked = await account.AddActiveUserAsync(owner, "ロック", "中");
        await app.LockAsync(locked.Id);
        await account.InviteUserAsync(owner, "登録", "待ち");
        await account.AddActiveUserAsync(owner, "三", "人目");
        await account.AddActiveUserAsync(owner, "四", "人目");
        var refused = await (await InviteAsync(owner)).ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("user_limit_reached", refused.GetProperty("code").GetString());
        Assert.Contains(account.Owner.FamilyName, refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var full = await PlanAsync(owner);
        Assert.Equal(plan.Id, full.Plan!.Id);
        Assert.Equal(new AccountLimits(5, 1, 2048L * 1024 * 1024), full.Limits);
        Assert.Equal(5, full.Usage.Users);
        Assert.Equal(4_980, full.MonthlyTotalYen);

        // The same holds for inboxes.
        await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "サポート" })).AssertStatusAsync(HttpStatusCode.Created);
        await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "二つ目" })).AssertProblemAsync(HttpStatusCode.Conflict, "inbox_limit_reached");

        // The owner asks what 5 more users cost, then requests them: pending, the limit unchanged until decided.
        var quote = await (await owner.PostAsJsonAsync("/api/v1/account/option-requests/quote", new { users = 5 })).ReadAsync<OptionCost>();
        Assert.Equal(2_500, quote.MonthlyYen);
        Assert.InRange(quote.FirstMonthYen, 0, 2_500);
        Assert.Equal(quote.MonthlyYen * quote.DaysInFirstMonth / OptionCost.DaysPerMonth, quote.FirstMonthYen);
        var request = await (await owner.PostAsJsonAsync("/api/v1/account/option-requests", new { users = 5 })).ReadAsync<OptionRequestView>(HttpStatusCode.Created);
        Assert.Equal(OptionRequestState.Pending, request.State);
        Assert.Equal(2_500, request.MonthlyYen);
        Assert.Equal(1, (await PlanAsync(owner)).PendingRequests);
        await (await InviteAsync(owner)).AssertProblemAsync(HttpStatusCode.Conflict, "user_limit_reached");

        var queue = await (await operatorClient.GetAsync("/api/v1/operator/option-requests?state=pending")).ReadAsync<List<OptionRequestView>>();
        var accountName = await app.WithDbAsync(db => db.Accounts.Where(a => a.Id == account.Id).Select(a => a.Name).SingleAsync());
        Assert.Contains(queue, r => r.Id == request.Id && r.AccountId == account.Id && r.AccountName == accountName);
        var approved = await (await operatorClient.PostAsJsonAsync($"/api/v1/operator/option-requests/{request.Id}/approve", new { note = "本日より追加しました。" }))
            .ReadAsync<OptionRequestView>();
        Assert.Equal(OptionRequestState.Approved, approved.State);
        await (await operatorClient.PostAsJsonAsync($"/api/v1/operator/option-requests/{request.Id}/reject", new { note = "遅れて却下" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "already_decided");

        // At once: the limit is 10, the sixth user is created, the owners read the answer.
        var after = await PlanAsync(owner);
        Assert.Equal(10, after.Limits.Users);
        Assert.Equal(5, after.Options.Users);
        Assert.Equal(4_980 + 2_500, after.MonthlyTotalYen);
        Assert.Equal(0, after.PendingRequests);
        await (await InviteAsync(owner)).AssertStatusAsync(HttpStatusCode.Created);
        var mine = await (await owner.GetAsync("/api/v1/account/option-requests")).ReadAsync<List<OptionRequestView>>();
        Assert.Equal("本日より追加しました。", Assert.Single(mine).Note);

        // The operator console lists the account with its plan, options, limits and use.
        var page = await (await operatorClient.GetAsync("/api/v1/operator/accounts?limit=200")).ReadAsync<PageBody<AccountOverview>>();
        var listed = page.Items.Single(a => a.Id == account.Id).Plan!;
        Assert.Equal(plan.Name, listed.Plan!.Name);
        Assert.Equal(10, listed.Limits.Users);
        Assert.Equal(6, listed.Usage.Users);
        Assert.Equal(1, listed.Usage.Inboxes);

        var audit = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.AccountId == account.Id).Select(e => e.Action).ToListAsync());
        Assert.Contains(AuditAction.PlanAssigned, audit);
        Assert.Contains(AuditAction.OptionRequested, audit);
        Assert.Contains(AuditAction.OptionRequestApproved, audit);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OtherOptionRejected_WithANote_OwnersReadTheAnswer_LimitsUnchanged(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var operatorClient = await app.SignInOperatorAsync();
        var before = await PlanAsync(owner);

        await (await owner.PostAsJsonAsync("/api/v1/account/option-requests", new { users = 0 })).AssertProblemAsync(HttpStatusCode.BadRequest, "nothing_requested");
        await (await owner.PostAsJsonAsync("/api/v1/account/option-requests", new { users = -1 })).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_users");
        var request = await (await owner.PostAsJsonAsync("/api/v1/account/option-requests", new { other = "専用の送信IPアドレスを使いたい" }))
            .ReadAsync<OptionRequestView>(HttpStatusCode.Created);
        Assert.Equal(0, request.MonthlyYen);
        var rejected = await (await operatorClient.PostAsJsonAsync($"/api/v1/operator/option-requests/{request.Id}/reject", new { note = "サポート窓口からご相談ください。" }))
            .ReadAsync<OptionRequestView>();

        Assert.Equal(OptionRequestState.Rejected, rejected.State);
        var mine = Assert.Single(await (await owner.GetAsync("/api/v1/account/option-requests")).ReadAsync<List<OptionRequestView>>());
        Assert.Equal((OptionRequestState.Rejected, "サポート窓口からご相談ください。", "専用の送信IPアドレスを使いたい"), (mine.State, mine.Note, mine.OtherText));
        Assert.Equal(before.Limits, (await PlanAsync(owner)).Limits);
        var audit = await app.WithDbAsync(db => db.AuditEntries.Where(e => e.AccountId == account.Id).Select(e => e.Action).ToListAsync());
        Assert.Contains(AuditAction.OptionRequestRejected, audit);
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task NonOwners_GetOwnersOnly_OperatorTokensRefusedOnOwnerEndpoints_UserTokensRefusedOnOperatorEndpoints(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var member = await app.TokenClientAsync(await account.AddActiveUserAsync());
        var owner = await app.TokenClientAsync(account.Owner);
        var operatorSession = await app.SignInOperatorAsync();
        var created = await (await operatorSession.PostAsJsonAsync("/api/v1/operator/tokens", new { name = "plans" })).ReadAsync<JsonElement>(HttpStatusCode.Created);
        var operatorToken = app.NewClient();
        operatorToken.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.GetProperty("secret").GetString());

        Func<HttpClient, Task<HttpResponseMessage>>[] ownerCalls =
        [
            c => c.GetAsync("/api/v1/account/plan"),
            c => c.GetAsync("/api/v1/account/option-requests"),
            c => c.PostAsJsonAsync("/api/v1/account/option-requests/quote", new { users = 1 }),
            c => c.PostAsJsonAsync("/api/v1/account/option-requests", new { users = 1 }),
        ];
        foreach (var call in ownerCalls)
        {
            await (await call(member)).AssertProblemAsync(HttpStatusCode.Forbidden, "owners_only");
            await (await call(operatorToken)).AssertStatusAsync(HttpStatusCode.Forbidden);
            await (await call(operatorSession)).AssertStatusAsync(HttpStatusCode.Forbidden);
        }
        Assert.Equal(0, await app.WithDbAsync(db => db.OptionRequests.CountAsync(r => r.AccountId == account.Id)));

        Func<HttpClient, Task<HttpResponseMessage>>[] operatorCalls =
        [
            c => c.GetAsync("/api/v1/operator/plans"),
            c => c.GetAsync("/api/v1/operator/options"),
            c => c.GetAsync("/api/v1/operator/option-requests"),
            c => c.GetAsync($"/api/v1/operator/accounts/{account.Id}/plan"),
        ];
        foreach (var call in operatorCalls)
        {
            await (await call(operatorToken)).AssertStatusAsync(HttpStatusCode.OK);
            await (await call(owner)).AssertStatusAsync(HttpStatusCode.Forbidden);
            await (await call(await account.SignInOwnerAsync())).AssertStatusAsync(HttpStatusCode.Forbidden);
        }
        // The seeded catalogue: a free plan and paid plans, and a price for each kind of option.
        var plans = await (await operatorToken.GetAsync("/api/v1/operator/plans")).ReadAsync<List<PlanView>>();
        Assert.Contains(plans, p => p.MonthlyPriceYen == 0);
        Assert.Contains(plans, p => p.MonthlyPriceYen > 0 && p.CustomSmtp && p.AuditRetentionDays == 365);
        var options = await (await operatorToken.GetAsync("/api/v1/operator/options")).ReadAsync<List<OptionPriceView>>();
        Assert.Equal([OptionKind.Users, OptionKind.StorageGb, OptionKind.Inboxes], options.Select(o => o.Kind));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AccountWithoutAPlan_KeepsTheInstallationDefaults_ForUsersAndInboxes(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Madoguchi:Plans:UnplannedUsers"] = "2",
            ["Madoguchi:Plans:UnplannedInboxes"] = "1",
        });
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);

        await account.InviteUserAsync(owner);
        await (await InviteAsync(owner)).AssertProblemAsync(HttpStatusCode.Conflict, "user_limit_reached");
        await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "一つ目" })).AssertStatusAsync(HttpStatusCode.Created);
        await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "二つ目" })).AssertProblemAsync(HttpStatusCode.Conflict, "inbox_limit_reached");
        var plan = await PlanAsync(owner);
        Assert.Null(plan.Plan);
        Assert.Equal((2, 1), (plan.Limits.Users, plan.Limits.Inboxes));
    }
}
