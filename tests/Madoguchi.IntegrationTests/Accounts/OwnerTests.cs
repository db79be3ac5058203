using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Accounts;

public sealed class OwnerTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task GrantOwner_AsOwner_MakesSeveralOwnersAndAudits(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var member = await account.AddActiveUserAsync(owner);

        var granted = await (await owner.PutAsync($"/api/v1/users/{member.Id}/owner", null)).ReadAsync<UserView>();

        Assert.True(granted.IsOwner);
        Assert.Equal(2, await app.WithDbAsync(db => db.Users.CountAsync(u => u.AccountId == account.Id && u.IsOwner)));
        var audit = await (await owner.GetAsync($"/api/v1/audit-log?action=ownerGranted&userId={member.Id}")).ReadAsync<PageBody<AuditEntryView>>();
        Assert.Equal(account.Owner.Id, Assert.Single(audit.Items).ActorUserId);
        // The new owner has owner rights at once.
        await (await (await app.TokenClientAsync(member)).GetAsync("/api/v1/audit-log")).AssertStatusAsync(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task GrantAndRevokeOwner_AsNonOwner_Answer403AndChangeNothing(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var member = await account.AddActiveUserAsync(owner);
        var client = await app.TokenClientAsync(member);

        await (await client.PutAsync($"/api/v1/users/{member.Id}/owner", null)).AssertProblemAsync(HttpStatusCode.Forbidden, "owners_only");
        await (await client.DeleteAsync($"/api/v1/users/{account.Owner.Id}/owner")).AssertProblemAsync(HttpStatusCode.Forbidden, "owners_only");

        Assert.Equal([account.Owner.Id], await app.WithDbAsync(db => db.Users.Where(u => u.AccountId == account.Id && u.IsOwner).Select(u => u.Id).ToListAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RevokeOwner_TheLastOwner_Answers409AndStaysOwner(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);

        await (await owner.DeleteAsync($"/api/v1/users/{account.Owner.Id}/owner")).AssertProblemAsync(HttpStatusCode.Conflict, "last_owner");

        Assert.True(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Id == account.Owner.Id && u.IsOwner)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RevokeOwner_WithAnotherOwner_RemovesRightsOnTheNextRequestAndAudits(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var second = await account.AddActiveUserAsync(owner, owner: true);
        var secondClient = await app.SignInAsync(second.Email);
        await (await secondClient.GetAsync("/api/v1/audit-log")).AssertStatusAsync(HttpStatusCode.OK);

        var revoked = await (await owner.DeleteAsync($"/api/v1/users/{second.Id}/owner")).ReadAsync<UserView>();

        Assert.False(revoked.IsOwner);
        await (await secondClient.GetAsync("/api/v1/audit-log")).AssertProblemAsync(HttpStatusCode.Forbidden, "owners_only");
        var audit = await (await owner.GetAsync($"/api/v1/audit-log?action=ownerRevoked&userId={second.Id}")).ReadAsync<PageBody<AuditEntryView>>();
        Assert.Single(audit.Items);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RevokeOwner_Self_WhenAnotherOwnerRemains_Succeeds(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var second = await account.AddActiveUserAsync(owner, owner: true);

        await (await owner.DeleteAsync($"/api/v1/users/{account.Owner.Id}/owner")).AssertStatusAsync(HttpStatusCode.OK);
        // Now the second owner is the last one and keeps the rights.
        var secondClient = await app.TokenClientAsync(second);
        await (await secondClient.DeleteAsync($"/api/v1/users/{second.Id}/owner")).AssertProblemAsync(HttpStatusCode.Conflict, "last_owner");

        Assert.Equal([second.Id], await app.WithDbAsync(db => db.Users.Where(u => u.AccountId == account.Id && u.IsOwner).Select(u => u.Id).ToListAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task RevokeOwner_TwoOwnersRemovingEachOtherAtOnce_LeaveAnOwner(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var first = await app.TokenClientAsync(account.Owner);
        var second = await account.AddActiveUserAsync(first, owner: true);
        var secondClient = await app.TokenClientAsync(second);
        // The worst interleaving, made certain: both requests count two owners, then one commits before the other goes on.
        var gate = new OwnerCountGate();
        await using var gated = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.ConfigureDbContext<MadoguchiDbContext>(o => o.AddInterceptors(gate))));
        var firstGated = gated.CreateClient();
        firstGated.DefaultRequestHeaders.Authorization = first.DefaultRequestHeaders.Authorization;
        var secondGated = gated.CreateClient();
        secondGated.DefaultRequestHeaders.Authorization = secondClient.DefaultRequestHeaders.Authorization;

        var answers = await Task.WhenAll(
            firstGated.DeleteAsync($"/api/v1/users/{second.Id}/owner"),
            secondGated.DeleteAsync($"/api/v1/users/{account.Owner.Id}/owner"));

        Assert.True(gate.BothCounted, "the two requests did not meet at the owner count");
        Assert.True(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.AccountId == account.Id && u.IsOwner)), "the account has no owner left");
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        await Assert.Single(answers, a => a.StatusCode != HttpStatusCode.OK).AssertProblemAsync(HttpStatusCode.Conflict, "concurrent_owner_change");
    }

    /// <summary>Holds the first request that counted the owners until the second has counted too, and the second
    /// until the first has saved.</summary>
    private sealed class OwnerCountGate : DbCommandInterceptor, ISaveChangesInterceptor
    {
        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
        private readonly TaskCompletionSource _secondCounted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _firstSaved = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private DbContext? _first;
        private int _arrivals;

        public bool BothCounted => _secondCounted.Task.IsCompletedSuccessfully;

        // On closing, the count has been read: a reader executes lazily, so an earlier hook would let it see later commits.
        public override async ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
        {
            var sql = command.CommandText.TrimStart();
            if (!sql.StartsWith("SELECT COUNT(*)", StringComparison.OrdinalIgnoreCase) || !sql.Contains("\"IsOwner\"", StringComparison.Ordinal))
                return result;
            var arrival = Interlocked.Increment(ref _arrivals);
            if (arrival == 1)
            {
                _first = eventData.Context;
                await WaitAsync(_secondCounted.Task);
            }
            else if (arrival == 2)
            {
                _secondCounted.TrySetResult();
                await WaitAsync(_firstSaved.Task);
            }
            return result;
        }

        public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken ct = default)
        {
            if (eventData.Context == _first)
                _firstSaved.TrySetResult();
            return ValueTask.FromResult(result);
        }

        public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken ct = default)
        {
            if (eventData.Context == _first)
                _firstSaved.TrySetResult();
            return Task.CompletedTask;
        }

        private static async Task WaitAsync(Task task)
        {
            try
            {
                await task.WaitAsync(Patience);
            }
            catch (TimeoutException)
            {
                // The other request took another path (e.g. it was refused first); carry on.
            }
        }
    }
}
