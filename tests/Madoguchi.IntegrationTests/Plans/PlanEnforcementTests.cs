using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Operators;
using Madoguchi.Core.Plans;
using Madoguchi.Core.Retention;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Plans;

/// <summary>Limits and plan features enforced, not only stored: the user and inbox limits hold under parallel creations,
/// a plan without custom SMTP cannot add send addresses, the audit log is kept only as long as the plan says, and the
/// operator's account list reads a fixed number of queries.</summary>
public sealed class PlanEnforcementTests(AppFixture apps) : IClassFixture<AppFixture>
{
    private const int Parallel = 10;

    private static async Task<PlanView> NewPlanAsync(HttpClient operatorClient, int users = 10, int inboxes = 10, bool customSmtp = true, int auditRetentionDays = 365) =>
        await (await operatorClient.PostAsJsonAsync("/api/v1/operator/plans", new
        {
            name = $"テスト {Guid.NewGuid():N}", users, inboxes, storageMb = 1024, monthlyPriceYen = 1_000, customSmtp, auditRetentionDays,
        })).ReadAsync<PlanView>(HttpStatusCode.Created);

    private static async Task AssignAsync(HttpClient operatorClient, Guid accountId, Guid planId) =>
        await (await operatorClient.PutAsJsonAsync($"/api/v1/operator/accounts/{accountId}/plan", new { planId })).AssertStatusAsync(HttpStatusCode.OK);

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ParallelInvitationsAndInboxes_OneBelowTheLimit_ExactlyOneOfEachIsCreated(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var operatorClient = await app.SignInOperatorAsync();
        // The owner is user 1 of 2; no inbox of 1.
        await AssignAsync(operatorClient, account.Id, (await NewPlanAsync(operatorClient, users: 2, inboxes: 1)).Id);

        var invitations = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(i =>
            owner.PostAsJsonAsync("/api/v1/users", new { familyName = "同時", givenName = $"{i}", email = $"race-{i}-{Guid.NewGuid():N}@example.com" })));
        var inboxes = await Task.WhenAll(Enumerable.Range(0, Parallel).Select(i => owner.PostAsJsonAsync("/api/v1/inboxes", new { name = $"同時{i}" })));

        Assert.Equal(1, invitations.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in invitations.Where(r => r.StatusCode != HttpStatusCode.Created))
            await refused.AssertProblemAsync(HttpStatusCode.Conflict, "user_limit_reached");
        Assert.Equal(1, inboxes.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in inboxes.Where(r => r.StatusCode != HttpStatusCode.Created))
            await refused.AssertProblemAsync(HttpStatusCode.Conflict, "inbox_limit_reached");
        Assert.Equal(2, await app.WithDbAsync(db => db.Users.CountAsync(u => u.AccountId == account.Id)));
        Assert.Equal(1, await app.WithDbAsync(db => db.Inboxes.CountAsync(i => i.AccountId == account.Id)));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task PlanWithoutCustomSmtp_RefusesSendAddresses_OwnersAreToldHowToAsk_APlanWithItAllowsThem(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var operatorClient = await app.SignInOperatorAsync();
        var inbox = await account.CreateInboxAsync();
        var server = new { address = "support@example.jp", displayName = "サポート", host = "smtp.example.jp", port = 587, security = "starttls", authentication = "none" };
        var withSmtp = await NewPlanAsync(operatorClient, customSmtp: true);
        var withoutSmtp = await NewPlanAsync(operatorClient, customSmtp: false, auditRetentionDays: 7);
        await AssignAsync(operatorClient, account.Id, withSmtp.Id);
        var kept = await (await owner.PostAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/send-addresses", server)).ReadAsync<System.Text.Json.JsonElement>(HttpStatusCode.Created);
        await AssignAsync(operatorClient, account.Id, withoutSmtp.Id);

        var refused = await (await owner.PostAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/send-addresses", server with { address = "info@example.jp" }))
            .ReadProblemAsync(HttpStatusCode.Forbidden);
        var moved = await owner.PatchAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/send-addresses/{kept.GetProperty("id").GetGuid()}", new { host = "smtp.elsewhere.jp" });
        var renamed = await owner.PatchAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/send-addresses/{kept.GetProperty("id").GetGuid()}", new { displayName = "窓口" });

        Assert.Equal("custom_smtp_not_in_plan", refused.GetProperty("code").GetString());
        Assert.Contains("Plan and options", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(account.Owner.FamilyName, refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await moved.AssertProblemAsync(HttpStatusCode.Forbidden, "custom_smtp_not_in_plan");
        await renamed.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(1, await app.WithDbAsync(db => db.SendAddresses.CountAsync(s => s.InboxId == inbox.Id && s.Host == "smtp.example.jp")));
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RetentionRound_DeletesAuditEntriesOlderThanThePlanKeepsThem_SevenDaysOrOneYear(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var operatorClient = await app.SignInOperatorAsync();
        var week = await app.CreateAccountAsync();
        var year = await app.CreateAccountAsync();
        var unplanned = await app.CreateAccountAsync();
        await AssignAsync(operatorClient, week.Id, (await NewPlanAsync(operatorClient, customSmtp: false, auditRetentionDays: 7)).Id);
        await AssignAsync(operatorClient, year.Id, (await NewPlanAsync(operatorClient, auditRetentionDays: 365)).Id);
        var now = DateTime.UtcNow;
        var ages = new[] { 6, 8, 364, 366 };
        await app.WithDbAsync(async db =>
        {
            foreach (var accountId in new Guid?[] { week.Id, year.Id, unplanned.Id, null })
                foreach (var days in ages)
                    db.AuditEntries.Add(new AuditEntry { AccountId = accountId, At = now.AddDays(-days), Action = AuditAction.UserCreated, ActorName = "test", Detail = $"age {days}" });
            return await db.SaveChangesAsync();
        });
        // Owners see only what their plan keeps, even before the next round.
        var shown = await (await (await app.TokenClientAsync(week.Owner)).GetAsync("/api/v1/audit-log?limit=200")).ReadAsync<PageBody<AuditEntryView>>();
        Assert.Equal(["age 6"], shown.Items.Where(e => e.ActorName == "test").Select(e => e.Detail!));

        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<RunRetentionCommand>().HandleAsync(default);

        Assert.Equal(["age 6"], await AgesAsync(app, week.Id));
        Assert.Equal(["age 364", "age 6", "age 8"], await AgesAsync(app, year.Id));
        // Without a plan: the installation's default, a year.
        Assert.Equal(["age 364", "age 6", "age 8"], await AgesAsync(app, unplanned.Id));
        // Installation-wide entries belong to no account's plan: kept.
        Assert.Equal(4, await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.AccountId == null && e.ActorName == "test" && e.At >= now.AddDays(-367))));
    }

    private static async Task<List<string>> AgesAsync(MadoguchiApp app, Guid accountId)
    {
        var details = await app.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(e => e.AccountId == accountId && e.ActorName == "test").Select(e => e.Detail!).ToListAsync());
        return [.. details.Order(StringComparer.Ordinal)];
    }

    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OperatorAccountList_ReadsTheSameFewQueriesForOneAccountOrSix_AndEachPlanViewMatchesTheAccountsOwn(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var operatorClient = await app.SignInOperatorAsync();
        var plan = await NewPlanAsync(operatorClient, users: 4, inboxes: 2);
        for (var i = 0; i < 6; i++)
        {
            var account = await app.CreateAccountAsync();
            await account.CreateInboxAsync();
            if (i % 2 == 0)
                await AssignAsync(operatorClient, account.Id, plan.Id);
            var owner = await app.TokenClientAsync(account.Owner);
            var request = await (await owner.PostAsJsonAsync("/api/v1/account/option-requests", new { users = i + 1 })).ReadAsync<OptionRequestView>(HttpStatusCode.Created);
            if (i % 3 == 0)
                await (await operatorClient.PostAsJsonAsync($"/api/v1/operator/option-requests/{request.Id}/approve", new { note = "承認" })).AssertStatusAsync(HttpStatusCode.OK);
        }

        var (one, oneQueries) = await ListAsync(app, new PageRequest(0, 1));
        var (six, sixQueries) = await ListAsync(app, new PageRequest(0, 6));

        Assert.Single(one.Items);
        Assert.Equal(6, six.Items.Count);
        Assert.Equal(oneQueries, sixQueries);
        Assert.InRange(sixQueries, 1, 12);
        await using var scope = app.Services.CreateAsyncScope();
        var single = scope.ServiceProvider.GetRequiredService<GetAccountPlanForOperatorQuery>();
        foreach (var listed in six.Items)
        {
            var own = (await single.HandleAsync(Operator, listed.Id, default)).Value!;
            var view = listed.Plan!;
            Assert.Equal((own.Plan, own.Options, own.Limits, own.Usage, own.MonthlyTotalYen, own.PendingRequests),
                (view.Plan, view.Options, view.Limits, view.Usage, view.MonthlyTotalYen, view.PendingRequests));
            Assert.Equal(own.OptionPrices, view.OptionPrices);
        }
    }

    private static readonly Actor Operator = Actor.Operator(Guid.NewGuid(), "plans@example.com", null);

    /// <summary>Runs the operator's account list in a scope of its own and counts the database commands its context sends.</summary>
    private static async Task<(Page<AccountOverview> Page, int Queries)> ListAsync(MadoguchiApp app, PageRequest page)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        using var counter = new CommandCounter(db);
        var result = await scope.ServiceProvider.GetRequiredService<ListAccountsQuery>().HandleAsync(Operator, page, default);
        return (result.Value!, counter.Count);
    }

    private sealed class CommandCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly DbContext _context;
        private readonly List<IDisposable> _subscriptions = [];
        private int _count;

        public CommandCounter(DbContext context)
        {
            _context = context;
            _subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
        }

        public int Count => _count;

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name)
                lock (_subscriptions)
                    _subscriptions.Add(value.Subscribe(this));
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == RelationalEventId.CommandExecuted.Name && value.Value is CommandEventData data && ReferenceEquals(data.Context, _context))
                Interlocked.Increment(ref _count);
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            lock (_subscriptions)
                foreach (var subscription in _subscriptions)
                    subscription.Dispose();
        }
    }
}
