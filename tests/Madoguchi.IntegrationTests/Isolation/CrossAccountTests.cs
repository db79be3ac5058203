using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Core.Accounts;
using Madoguchi.Core.Accounts.Tokens;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Testing.App;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.Isolation;

/// <summary>Nobody ever sees or changes another account's data. Every /api/v1 endpoint of the running app is
/// listed here with a check against account B's ids made by an owner of account A; a new endpoint without a
/// check makes this test fail.</summary>
public sealed class CrossAccountTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task EveryApiEndpoint_OwnerOfAnotherAccount_GetsNotFoundOrForbiddenAndChangesNothing(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var w = await World.CreateAsync(app);
        var before = await w.SnapshotOfBAsync();
        var cases = Cases(app, w);

        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["ANY"]).Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .Distinct().Order().ToList();
        var failures = new List<string>();
        foreach (var endpoint in endpoints)
        {
            if (!cases.TryGetValue(endpoint, out var check))
            {
                failures.Add($"{endpoint}: no cross-account check; add one to {nameof(CrossAccountTests)}.");
                continue;
            }
            try
            {
                await check();
            }
            catch (Exception e) when (e is Xunit.Sdk.XunitException or InvalidOperationException or HttpRequestException)
            {
                failures.Add($"{endpoint}: {e.Message}");
            }
        }

        Assert.True(endpoints.Count >= 25, $"only {endpoints.Count} endpoints were found");
        Assert.Empty(failures);
        Assert.Empty(cases.Keys.Except(endpoints));
        Assert.Equal(before, await w.SnapshotOfBAsync());
    }

    /// <summary>Operator endpoints refuse account users whether they come with a token or a session cookie.</summary>
    private static async Task AssertOperatorsOnlyAsync(World w, Func<HttpClient, Task<HttpResponseMessage>> call)
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await call(w.AOwner)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await call(w.BSession)).StatusCode);
    }

    private static Dictionary<string, Func<Task>> Cases(MadoguchiApp app, World w) => new()
    {
        ["POST /api/v1/session"] = async () =>
        {
            var session = await app.SignInAsync(w.A.Owner.Email);
            var me = await (await session.GetAsync("/api/v1/me")).ReadAsync<UserView>();
            Assert.Equal(w.A.Owner.Id, me.Id);
            await AssertNoneOfBAsync(session, w);
        },
        ["DELETE /api/v1/session"] = async () =>
        {
            var session = await app.SignInAsync(w.A.Owner.Email);
            await (await session.DeleteAsync("/api/v1/session")).AssertStatusAsync(HttpStatusCode.NoContent);
            await (await w.BSession.GetAsync("/api/v1/me")).AssertStatusAsync(HttpStatusCode.OK);
        },
        ["GET /api/v1/invitations/{token}"] = async () =>
        {
            // Invitations are addressed by their secret only: B's user id is no invitation.
            await (await w.AOwner.GetAsync($"/api/v1/invitations/{w.BInvited.Id}")).AssertProblemAsync(HttpStatusCode.NotFound, "invitation_invalid");
        },
        ["POST /api/v1/invitations/{token}/accept"] = async () =>
        {
            await (await w.AOwner.PostAsJsonAsync($"/api/v1/invitations/{w.BInvited.Id}/accept", new { password = "taken-over-1" }))
                .AssertProblemAsync(HttpStatusCode.NotFound, "invitation_invalid");
        },
        ["GET /api/v1/account"] = async () =>
            Assert.Equal(w.A.Id, (await (await w.AOwner.GetAsync($"/api/v1/account?id={w.B.Id}")).ReadAsync<AccountView>()).Id),
        ["PATCH /api/v1/account"] = async () =>
        {
            var account = await (await w.AOwner.PatchAsJsonAsync("/api/v1/account", new { timeZone = "Europe/Paris", id = w.B.Id })).ReadAsync<AccountView>();
            Assert.Equal(w.A.Id, account.Id);
        },
        ["GET /api/v1/me"] = async () =>
            Assert.Equal(w.A.Owner.Id, (await (await w.AOwner.GetAsync("/api/v1/me")).ReadAsync<UserView>()).Id),
        ["PATCH /api/v1/me"] = async () =>
        {
            var me = await (await w.AOwner.PatchAsJsonAsync("/api/v1/me", new { language = "en", id = w.BUser.Id })).ReadAsync<UserView>();
            Assert.Equal(w.A.Owner.Id, me.Id);
        },
        ["POST /api/v1/me/password"] = async () =>
        {
            await (await w.AMember.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = MadoguchiApp.DefaultPassword, newPassword = "changed-pass-1", userId = w.BUser.Id }))
                .AssertStatusAsync(HttpStatusCode.NoContent);
        },
        ["GET /api/v1/me/tokens"] = async () =>
        {
            var tokens = await (await w.AOwner.GetAsync("/api/v1/me/tokens?limit=200")).ReadAsync<PageBody<ApiTokenView>>();
            Assert.DoesNotContain(tokens.Items, t => t.Id == w.BTokenId);
            Assert.Equal(tokens.Total, await app.WithDbAsync(db => db.ApiTokens.CountAsync(t => t.UserId == w.A.Owner.Id)));
        },
        ["POST /api/v1/me/tokens"] = async () =>
        {
            var created = await (await w.AOwner.PostAsJsonAsync("/api/v1/me/tokens", new { name = "mine", userId = w.BUser.Id })).ReadAsync<CreatedApiToken>();
            Assert.Equal(w.A.Owner.Id, await app.WithDbAsync(db => db.ApiTokens.Where(t => t.Id == created.Token.Id).Select(t => t.UserId).SingleAsync()));
        },
        ["DELETE /api/v1/me/tokens/{id:guid}"] = async () =>
        {
            await (await w.AOwner.DeleteAsync($"/api/v1/me/tokens/{w.BTokenId}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await w.BOwner.GetAsync("/api/v1/me")).AssertStatusAsync(HttpStatusCode.OK);
        },
        ["GET /api/v1/users"] = async () =>
        {
            foreach (var state in new[] { "", "?state=locked", "?state=invited", "?state=active" })
            {
                var users = await (await w.AOwner.GetAsync($"/api/v1/users{state}")).ReadAsync<PageBody<UserView>>();
                Assert.DoesNotContain(users.Items, u => w.BUserIds.Contains(u.Id));
            }
            var all = await (await w.AOwner.GetAsync("/api/v1/users?limit=200")).ReadAsync<PageBody<UserView>>();
            Assert.Equal(all.Total, await app.WithDbAsync(db => db.Users.CountAsync(u => u.AccountId == w.A.Id)));
        },
        ["POST /api/v1/users"] = async () =>
        {
            var response = await w.AOwner.PostAsJsonAsync("/api/v1/users",
                new { familyName = "越境", givenName = "試験", email = $"x-{Guid.NewGuid():N}@example.com", accountId = w.B.Id });
            var id = (await response.ReadAsync<CreatedUserResponseBody>(HttpStatusCode.Created)).User.Id;
            Assert.Equal(w.A.Id, await app.WithDbAsync(db => db.Users.Where(u => u.Id == id).Select(u => u.AccountId).SingleAsync()));
        },
        ["GET /api/v1/users/{id:guid}"] = async () =>
        {
            foreach (var id in w.BUserIds)
                await (await w.AOwner.GetAsync($"/api/v1/users/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        },
        ["PATCH /api/v1/users/{id:guid}"] = async () =>
        {
            foreach (var id in w.BUserIds)
                await (await w.AOwner.PatchAsJsonAsync($"/api/v1/users/{id}", new { familyName = "乗っ取り", department = "x" })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        },
        ["DELETE /api/v1/users/{id:guid}"] = async () =>
        {
            foreach (var id in w.BUserIds)
                await (await w.AOwner.DeleteAsync($"/api/v1/users/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        },
        ["POST /api/v1/users/{id:guid}/unlock"] = async () =>
            await (await w.AOwner.PostAsync($"/api/v1/users/{w.BLocked.Id}/unlock", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["PUT /api/v1/users/{id:guid}/owner"] = async () =>
        {
            foreach (var id in w.BUserIds)
                await (await w.AOwner.PutAsync($"/api/v1/users/{id}/owner", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        },
        ["DELETE /api/v1/users/{id:guid}/owner"] = async () =>
        {
            foreach (var id in w.BUserIds)
                await (await w.AOwner.DeleteAsync($"/api/v1/users/{id}/owner")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        },
        ["GET /api/v1/audit-log"] = async () =>
        {
            var log = await (await w.AOwner.GetAsync("/api/v1/audit-log?limit=200")).ReadAsync<PageBody<AuditEntryView>>();
            Assert.DoesNotContain(log.Items, e => w.BUserIds.Contains(e.TargetUserId ?? Guid.Empty) || w.BUserIds.Contains(e.ActorUserId ?? Guid.Empty));
            Assert.Equal(log.Total, await app.WithDbAsync(db => db.AuditEntries.CountAsync(e => e.AccountId == w.A.Id)));
            foreach (var id in w.BUserIds)
                Assert.Equal(0, (await (await w.AOwner.GetAsync($"/api/v1/audit-log?userId={id}")).ReadAsync<PageBody<AuditEntryView>>()).Total);
        },
        ["GET /api/v1/inboxes"] = async () =>
        {
            var inboxes = await (await w.AOwner.GetAsync("/api/v1/inboxes?limit=200")).ReadAsync<PageBody<InboxView>>();
            Assert.DoesNotContain(inboxes.Items, i => i.Id == w.BInbox.Id);
            Assert.Equal(inboxes.Total, await app.WithDbAsync(db => db.Inboxes.CountAsync(i => i.AccountId == w.A.Id)));
        },
        ["POST /api/v1/inboxes"] = async () =>
        {
            var inbox = await (await w.AOwner.PostAsJsonAsync("/api/v1/inboxes", new { name = "越境", accountId = w.B.Id })).ReadAsync<InboxView>(HttpStatusCode.Created);
            Assert.Equal(w.A.Id, await app.WithDbAsync(db => db.Inboxes.Where(i => i.Id == inbox.Id).Select(i => i.AccountId).SingleAsync()));
        },
        ["DELETE /api/v1/inboxes/{id:guid}"] = async () =>
            await (await w.AOwner.DeleteAsync($"/api/v1/inboxes/{w.BInbox.Id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["PUT /api/v1/inboxes/{id:guid}/roles/{userId:guid}"] = async () =>
        {
            // B's inbox with B's user, B's inbox with A's user, and A's inbox with B's user.
            await (await w.AOwner.PutAsJsonAsync($"/api/v1/inboxes/{w.BInbox.Id}/roles/{w.BUser.Id}", new { role = "administrator" })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await w.AOwner.PutAsJsonAsync($"/api/v1/inboxes/{w.BInbox.Id}/roles/{w.A.Owner.Id}", new { role = "administrator" })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await w.AOwner.PutAsJsonAsync($"/api/v1/inboxes/{w.AInbox.Id}/roles/{w.BUser.Id}", new { role = "administrator" })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
            Assert.False(await app.WithDbAsync(db => db.InboxRoles.AnyAsync(r => r.InboxId == w.AInbox.Id && r.UserId == w.BUser.Id)));
        },
        ["GET /api/v1/permissions"] = async () =>
        {
            var matrix = await (await w.AOwner.GetAsync("/api/v1/permissions")).ReadAsync<PermissionMatrix>();
            Assert.DoesNotContain(matrix.Inboxes, i => i.Id == w.BInbox.Id);
            Assert.DoesNotContain(matrix.Rows, r => w.BUserIds.Contains(r.User.Id));
            Assert.All(matrix.Rows, r => Assert.DoesNotContain(w.BInbox.Id, r.Roles.Keys));
        },
        ["POST /api/v1/operator/session"] = async () =>
            await (await app.NewClient().PostAsJsonAsync("/api/v1/operator/session", new { email = w.A.Owner.Email, password = MadoguchiApp.DefaultPassword }))
                .AssertProblemAsync(HttpStatusCode.Unauthorized, "invalid_credentials"),
        ["GET /api/v1/operator/accounts"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.GetAsync("/api/v1/operator/accounts")).StatusCode),
        ["POST /api/v1/operator/users/{id:guid}/unlock"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.PostAsync($"/api/v1/operator/users/{w.BLocked.Id}/unlock", null)).StatusCode),
        ["POST /api/v1/operator/accounts"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.PostAsJsonAsync("/api/v1/operator/accounts",
                new { accountName = "A opens", ownerEmail = $"a-opens.{Guid.NewGuid():N}@example.com", ownerFamilyName = "A", ownerGivenName = "A" })).StatusCode),
        ["POST /api/v1/operator/accounts/{id:guid}/suspend"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.PostAsJsonAsync($"/api/v1/operator/accounts/{w.B.Id}/suspend", new { reason = "A suspends B" })).StatusCode),
        ["POST /api/v1/operator/accounts/{id:guid}/resume"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.PostAsync($"/api/v1/operator/accounts/{w.B.Id}/resume", null)).StatusCode),
        ["GET /api/v1/account/plan"] = async () =>
        {
            var plan = await (await w.AOwner.GetAsync($"/api/v1/account/plan?accountId={w.B.Id}")).ReadAsync<JsonElement>();
            Assert.Equal(2, plan.GetProperty("usage").GetProperty("users").GetInt32());
            Assert.Equal(0, plan.GetProperty("pendingRequests").GetInt32());
        },
        ["GET /api/v1/account/option-requests"] = async () =>
        {
            var requests = await (await w.AOwner.GetAsync($"/api/v1/account/option-requests?accountId={w.B.Id}")).ReadAsync<JsonElement>();
            Assert.All(requests.EnumerateArray(), r => Assert.Equal(w.A.Id, r.GetProperty("accountId").GetGuid()));
            Assert.DoesNotContain(requests.EnumerateArray(), r => r.GetProperty("id").GetGuid() == w.BOptionRequestId);
        },
        ["POST /api/v1/account/option-requests/quote"] = async () =>
            await (await w.AOwner.PostAsJsonAsync("/api/v1/account/option-requests/quote", new { users = 1, accountId = w.B.Id })).AssertStatusAsync(HttpStatusCode.OK),
        ["POST /api/v1/account/option-requests"] = async () =>
        {
            var made = await (await w.AOwner.PostAsJsonAsync("/api/v1/account/option-requests", new { users = 1, accountId = w.B.Id }))
                .ReadAsync<JsonElement>(HttpStatusCode.Created);
            Assert.Equal(w.A.Id, made.GetProperty("accountId").GetGuid());
        },
        ["GET /api/v1/operator/plans"] = () => AssertOperatorsOnlyAsync(w, c => c.GetAsync("/api/v1/operator/plans")),
        ["POST /api/v1/operator/plans"] = () => AssertOperatorsOnlyAsync(w, c => c.PostAsJsonAsync("/api/v1/operator/plans",
            new { name = "A の私設プラン", users = 999, inboxes = 999, storageMb = 999, monthlyPriceYen = 0, customSmtp = true, auditRetentionDays = 365 })),
        ["PUT /api/v1/operator/plans/{id:guid}"] = () => AssertOperatorsOnlyAsync(w, c => c.PutAsJsonAsync($"/api/v1/operator/plans/{Guid.NewGuid()}",
            new { name = "x", users = 999, inboxes = 999, storageMb = 999, monthlyPriceYen = 0, customSmtp = true, auditRetentionDays = 365 })),
        ["GET /api/v1/operator/options"] = () => AssertOperatorsOnlyAsync(w, c => c.GetAsync("/api/v1/operator/options")),
        ["PUT /api/v1/operator/options/{kind}"] = () => AssertOperatorsOnlyAsync(w, c => c.PutAsJsonAsync("/api/v1/operator/options/users", new { monthlyPriceYen = 0 })),
        ["GET /api/v1/operator/option-requests"] = () => AssertOperatorsOnlyAsync(w, c => c.GetAsync("/api/v1/operator/option-requests")),
        ["POST /api/v1/operator/option-requests/{id:guid}/approve"] = () =>
            AssertOperatorsOnlyAsync(w, c => c.PostAsJsonAsync($"/api/v1/operator/option-requests/{w.BOptionRequestId}/approve", new { note = "A approves" })),
        ["POST /api/v1/operator/option-requests/{id:guid}/reject"] = () =>
            AssertOperatorsOnlyAsync(w, c => c.PostAsJsonAsync($"/api/v1/operator/option-requests/{w.BOptionRequestId}/reject", new { note = "A rejects" })),
        ["GET /api/v1/operator/accounts/{id:guid}/plan"] = () => AssertOperatorsOnlyAsync(w, c => c.GetAsync($"/api/v1/operator/accounts/{w.B.Id}/plan")),
        ["PUT /api/v1/operator/accounts/{id:guid}/plan"] = () => AssertOperatorsOnlyAsync(w, c => c.PutAsJsonAsync($"/api/v1/operator/accounts/{w.B.Id}/plan",
            new { planId = Guid.Empty })),
        ["GET /api/v1/operator/tokens"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.GetAsync("/api/v1/operator/tokens")).StatusCode),
        ["POST /api/v1/operator/tokens"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.PostAsJsonAsync("/api/v1/operator/tokens", new { name = "A" })).StatusCode),
        ["DELETE /api/v1/operator/tokens/{id:guid}"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.DeleteAsync($"/api/v1/operator/tokens/{Guid.NewGuid()}")).StatusCode),
        // The support calendar and notices are the operators' (issue 10): an account owner gets 403 everywhere.
        ["GET /api/v1/operator/support-calendar"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.GetAsync("/api/v1/operator/support-calendar")).StatusCode),
        ["PUT /api/v1/operator/support-calendar/hours"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.PutAsJsonAsync("/api/v1/operator/support-calendar/hours", new { hours = Array.Empty<object>() })).StatusCode),
        ["POST /api/v1/operator/support-calendar/closures"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.PostAsJsonAsync("/api/v1/operator/support-calendar/closures",
                new { kind = "oneOff", label = "x", firstDay = "2027-01-01", lastDay = "2027-01-01" })).StatusCode),
        ["DELETE /api/v1/operator/support-calendar/closures/{id:guid}"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.DeleteAsync($"/api/v1/operator/support-calendar/closures/{Guid.NewGuid()}")).StatusCode),
        ["GET /api/v1/operator/notices"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.GetAsync("/api/v1/operator/notices")).StatusCode),
        ["POST /api/v1/operator/notices"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.PostAsJsonAsync("/api/v1/operator/notices", new { textJa = "x", textEn = "x" })).StatusCode),
        ["DELETE /api/v1/operator/notices/{id:guid}"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.DeleteAsync($"/api/v1/operator/notices/{Guid.NewGuid()}")).StatusCode),
        // Monitoring alerts are the operators' (issue 10): an account owner gets 403 and marks nothing read.
        ["GET /api/v1/operator/alerts"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.GetAsync("/api/v1/operator/alerts")).StatusCode),
        ["POST /api/v1/operator/alerts/{id:guid}/read"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.PostAsync($"/api/v1/operator/alerts/{Guid.NewGuid()}/read", null)).StatusCode),
        ["GET /api/v1/operator/alert-emails"] = async () =>
            Assert.Equal(HttpStatusCode.Forbidden, (await w.AOwner.GetAsync("/api/v1/operator/alert-emails")).StatusCode),
        ["GET /api/v1/support-desk"] = async () =>
            Assert.DoesNotContain(w.B.Id.ToString(), (await (await w.AOwner.GetAsync("/api/v1/support-desk")).ReadAsync<JsonElement>()).GetRawText(), StringComparison.OrdinalIgnoreCase),
        ["GET /api/v1/notices"] = async () =>
            Assert.DoesNotContain(w.B.Id.ToString(), (await (await w.AOwner.GetAsync("/api/v1/notices")).ReadAsync<JsonElement>()).GetRawText(), StringComparison.OrdinalIgnoreCase),
        ["POST /api/v1/notices/{id:guid}/dismiss"] = async () =>
        {
            // Closing a notice is the user's own: A's owner closing it leaves it open for B's user.
            var noticeId = await app.WithDbAsync(async db =>
            {
                var notice = new Madoguchi.Core.Status.SupportDesk.SupportNotice
                {
                    TextJa = "お知らせ", TextEn = "Notice", ShownFrom = DateTime.UtcNow.AddDays(-1), ShownUntil = DateTime.UtcNow.AddDays(1), CreatedAt = DateTime.UtcNow,
                };
                db.SupportNotices.Add(notice);
                await db.SaveChangesAsync();
                return notice.Id;
            });
            await (await w.AOwner.PostAsync($"/api/v1/notices/{noticeId}/dismiss", null)).AssertStatusAsync(HttpStatusCode.NoContent);
            Assert.Contains(noticeId.ToString(), (await (await w.BOwner.GetAsync("/api/v1/notices")).ReadAsync<JsonElement>()).GetRawText(), StringComparison.OrdinalIgnoreCase);
            await app.WithDbAsync(db => db.SupportNotices.Where(n => n.Id == noticeId).ExecuteDeleteAsync());
        },
        // The status page's operator endpoints: an account user's token or session is no operator (nothing is created).
        ["GET /api/v1/operator/incidents"] = () => AssertOperatorsOnlyAsync(w, c => c.GetAsync("/api/v1/operator/incidents")),
        ["POST /api/v1/operator/incidents"] = async () =>
        {
            await AssertOperatorsOnlyAsync(w, c => c.PostAsJsonAsync("/api/v1/operator/incidents", new { title = "cross-account", message = "x" }));
            Assert.False(await app.WithDbAsync(db => db.Incidents.AnyAsync(i => i.Title == "cross-account")));
        },
        ["POST /api/v1/operator/incidents/{id:guid}/updates"] = () =>
            AssertOperatorsOnlyAsync(w, c => c.PostAsJsonAsync($"/api/v1/operator/incidents/{Guid.NewGuid()}/updates", new { status = "resolved", message = "x" })),
        ["GET /api/v1/operator/maintenances"] = () => AssertOperatorsOnlyAsync(w, c => c.GetAsync("/api/v1/operator/maintenances")),
        ["POST /api/v1/operator/maintenances"] = async () =>
        {
            await AssertOperatorsOnlyAsync(w, c => c.PostAsJsonAsync("/api/v1/operator/maintenances",
                new { title = "cross-account", startsAt = DateTimeOffset.UtcNow.AddHours(1), endsAt = DateTimeOffset.UtcNow.AddHours(2), components = new[] { "web" } }));
            Assert.False(await app.WithDbAsync(db => db.MaintenanceWindows.AnyAsync(m => m.Title == "cross-account")));
        },
        ["POST /api/v1/operator/maintenances/{id:guid}/cancel"] = () =>
            AssertOperatorsOnlyAsync(w, c => c.PostAsync($"/api/v1/operator/maintenances/{Guid.NewGuid()}/cancel", null)),
        ["GET /api/v1/inboxes/{id:guid}/receive-servers"] = async () =>
        {
            await (await w.AOwner.GetAsync($"/api/v1/inboxes/{w.BInbox.Id}/receive-servers")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
            var mine = await (await w.AOwner.GetAsync($"/api/v1/inboxes/{w.AInbox.Id}/receive-servers")).ReadAsync<JsonElement>();
            Assert.DoesNotContain(w.BServerId.ToString(), mine.GetRawText(), StringComparison.OrdinalIgnoreCase);
        },
        ["POST /api/v1/inboxes/{id:guid}/receive-servers"] = async () =>
            await (await w.AOwner.PostAsJsonAsync($"/api/v1/inboxes/{w.BInbox.Id}/receive-servers", ServerBody("a-into-b")))
                .AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["PATCH /api/v1/inboxes/{id:guid}/receive-servers/{serverId:guid}"] = async () =>
        {
            await (await w.AOwner.PatchAsJsonAsync($"/api/v1/inboxes/{w.BInbox.Id}/receive-servers/{w.BServerId}", new { host = "evil.example" }))
                .AssertStatusAsync(HttpStatusCode.NotFound);
            await (await w.AOwner.PatchAsJsonAsync($"/api/v1/inboxes/{w.AInbox.Id}/receive-servers/{w.BServerId}", new { host = "evil.example" }))
                .AssertStatusAsync(HttpStatusCode.NotFound);
        },
        ["DELETE /api/v1/inboxes/{id:guid}/receive-servers/{serverId:guid}"] = async () =>
        {
            await (await w.AOwner.DeleteAsync($"/api/v1/inboxes/{w.BInbox.Id}/receive-servers/{w.BServerId}")).AssertStatusAsync(HttpStatusCode.NotFound);
            await (await w.AOwner.DeleteAsync($"/api/v1/inboxes/{w.AInbox.Id}/receive-servers/{w.BServerId}")).AssertStatusAsync(HttpStatusCode.NotFound);
        },
        ["GET /api/v1/inboxes/{id:guid}/send-addresses"] = async () =>
            await (await w.AOwner.GetAsync($"/api/v1/inboxes/{w.BInbox.Id}/send-addresses")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["POST /api/v1/inboxes/{id:guid}/send-addresses"] = async () =>
            await (await w.AOwner.PostAsJsonAsync($"/api/v1/inboxes/{w.BInbox.Id}/send-addresses", SendAddressBody("a-into-b@example.jp")))
                .AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["PATCH /api/v1/inboxes/{id:guid}/send-addresses/{addressId:guid}"] = async () =>
        {
            await (await w.AOwner.PatchAsJsonAsync($"/api/v1/inboxes/{w.BInbox.Id}/send-addresses/{w.BSendAddressId}", new { host = "evil.example" }))
                .AssertStatusAsync(HttpStatusCode.NotFound);
            await (await w.AOwner.PatchAsJsonAsync($"/api/v1/inboxes/{w.AInbox.Id}/send-addresses/{w.BSendAddressId}", new { host = "evil.example" }))
                .AssertStatusAsync(HttpStatusCode.NotFound);
        },
        ["DELETE /api/v1/inboxes/{id:guid}/send-addresses/{addressId:guid}"] = async () =>
        {
            await (await w.AOwner.DeleteAsync($"/api/v1/inboxes/{w.BInbox.Id}/send-addresses/{w.BSendAddressId}")).AssertStatusAsync(HttpStatusCode.NotFound);
            await (await w.AOwner.DeleteAsync($"/api/v1/inboxes/{w.AInbox.Id}/send-addresses/{w.BSendAddressId}")).AssertStatusAsync(HttpStatusCode.NotFound);
        },
        ["POST /api/v1/inboxes/{id:guid}/send-addresses/{addressId:guid}/test"] = async () =>
        {
            await (await w.AOwner.PostAsync($"/api/v1/inboxes/{w.BInbox.Id}/send-addresses/{w.BSendAddressId}/test", null)).AssertStatusAsync(HttpStatusCode.NotFound);
            await (await w.AOwner.PostAsync($"/api/v1/inboxes/{w.AInbox.Id}/send-addresses/{w.BSendAddressId}/test", null)).AssertStatusAsync(HttpStatusCode.NotFound);
        },
        ["POST /api/v1/tickets/{id:guid}/replies"] = async () =>
            await (await w.AOwner.PostAsJsonAsync($"/api/v1/tickets/{w.BTicketId}/replies", new { text = "from A" })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["POST /api/v1/tickets/{id:guid}/forwards"] = async () =>
            await (await w.AOwner.PostAsJsonAsync($"/api/v1/tickets/{w.BTicketId}/forwards", new { to = new[] { "a@example.jp" } })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["POST /api/v1/uploads"] = async () =>
        {
            // A's upload is A's alone: B cannot attach it to a reply on B's own ticket.
            var upload = (await Sending.UploadClient.UploadAsync(w.AOwner, ("a.txt", "text/plain", "from A"u8.ToArray())))[0];
            await (await w.BOwner.PostAsJsonAsync($"/api/v1/tickets/{w.BTicketId}/replies", new { text = "B", attachmentIds = new[] { upload } }))
                .AssertProblemAsync(HttpStatusCode.NotFound, "upload_not_found");
        },
        ["DELETE /api/v1/uploads/{id:guid}"] = async () =>
        {
            var upload = (await Sending.UploadClient.UploadAsync(w.BOwner, ("b.txt", "text/plain", "from B"u8.ToArray())))[0];
            await (await w.AOwner.DeleteAsync($"/api/v1/uploads/{upload}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await w.BOwner.DeleteAsync($"/api/v1/uploads/{upload}")).AssertStatusAsync(HttpStatusCode.NoContent);
        },
        ["POST /api/v1/inboxes/{id:guid}/messages"] = async () =>
            await (await w.AOwner.PostAsJsonAsync($"/api/v1/inboxes/{w.BInbox.Id}/messages", new { to = new[] { "x@example.com" }, subject = "from A", text = "from A" }))
                .AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["GET /api/v1/inboxes/{id:guid}/contacts"] = async () =>
            await (await w.AOwner.GetAsync($"/api/v1/inboxes/{w.BInbox.Id}/contacts?q=")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["GET /api/v1/inboxes/{id:guid}/signatures"] = async () =>
            await (await w.AOwner.GetAsync($"/api/v1/inboxes/{w.BInbox.Id}/signatures")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["PUT /api/v1/inboxes/{id:guid}/send-addresses/{addressId:guid}/signature"] = async () =>
        {
            await (await w.AOwner.PutAsJsonAsync($"/api/v1/inboxes/{w.BInbox.Id}/send-addresses/{w.BSendAddressId}/signature", new { text = "from A" }))
                .AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
            await (await w.AOwner.PutAsJsonAsync($"/api/v1/inboxes/{w.AInbox.Id}/send-addresses/{w.BSendAddressId}/signature", new { text = "from A" }))
                .AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        },
        ["GET /api/v1/me/signature"] = async () =>
        {
            await (await w.AOwner.PutAsJsonAsync("/api/v1/me/signature", new { text = "A の署名" })).AssertStatusAsync(HttpStatusCode.OK);
            Assert.Equal("", (await (await w.BSession.GetAsync("/api/v1/me/signature")).ReadAsync<JsonElement>()).GetProperty("text").GetString());
        },
        ["PUT /api/v1/me/signature"] = async () =>
        {
            // Only ever one's own: A's signature is not B's, and B's signatures view shows none of A's.
            await (await w.AOwner.PutAsJsonAsync("/api/v1/me/signature", new { text = "A の署名" })).AssertStatusAsync(HttpStatusCode.OK);
            var b = await (await w.BSession.GetAsync($"/api/v1/inboxes/{w.BInbox.Id}/signatures")).ReadAsync<JsonElement>();
            Assert.Equal(JsonValueKind.Null, b.GetProperty("personal").ValueKind);
        },
        ["POST /api/v1/messages/{id:guid}/cancel"] = async () =>
            await (await w.AOwner.PostAsync($"/api/v1/messages/{w.BSentMessageId}/cancel", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["POST /api/v1/messages/{id:guid}/resend"] = async () =>
            await (await w.AOwner.PostAsync($"/api/v1/messages/{w.BSentMessageId}/resend", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["POST /api/v1/messages/{id:guid}/approve"] = async () =>
            await (await w.AOwner.PostAsync($"/api/v1/messages/{w.BSentMessageId}/approve", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["POST /api/v1/messages/{id:guid}/reject"] = async () =>
            await (await w.AOwner.PostAsJsonAsync($"/api/v1/messages/{w.BSentMessageId}/reject", new { comment = "from A" })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["PATCH /api/v1/messages/{id:guid}"] = async () =>
            await (await w.AOwner.PatchAsJsonAsync($"/api/v1/messages/{w.BSentMessageId}", new { text = "from A" })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["POST /api/v1/inboxes/{id:guid}/receive-servers/{serverId:guid}/test"] = async () =>
        {
            await (await w.AOwner.PostAsync($"/api/v1/inboxes/{w.BInbox.Id}/receive-servers/{w.BServerId}/test", null)).AssertStatusAsync(HttpStatusCode.NotFound);
            await (await w.AOwner.PostAsync($"/api/v1/inboxes/{w.AInbox.Id}/receive-servers/{w.BServerId}/test", null)).AssertStatusAsync(HttpStatusCode.NotFound);
        },
        ["POST /api/v1/inboxes/{id:guid}/fetch"] = async () =>
            await (await w.AOwner.PostAsync($"/api/v1/inboxes/{w.BInbox.Id}/fetch", null)).AssertStatusAsync(HttpStatusCode.NotFound),
        ["GET /api/v1/inboxes/{id:guid}/receive-status"] = async () =>
            await (await w.AOwner.GetAsync($"/api/v1/inboxes/{w.BInbox.Id}/receive-status")).AssertStatusAsync(HttpStatusCode.NotFound),
        ["POST /api/v1/inboxes/{id:guid}/missing-mail"] = async () =>
            await (await w.AOwner.PostAsJsonAsync($"/api/v1/inboxes/{w.BInbox.Id}/missing-mail", new { subject = "B" })).AssertStatusAsync(HttpStatusCode.NotFound),
        ["GET /api/v1/search"] = async () =>
        {
            // B's mail says "B only." and comes from customer@example.com: A finds neither, in any place, nor by naming B's inbox.
            await (await w.AOwner.GetAsync($"/api/v1/search?q=B&inbox={w.BInbox.Id}")).AssertStatusAsync(HttpStatusCode.NotFound);
            foreach (var q in new[] { "B only", "customer", "b.pdf", "b-secret" })
            {
                var found = await (await w.AOwner.GetAsync($"/api/v1/search?q={Uri.EscapeDataString(q)}&includeTrashAndSpam=true&limit=200")).ReadAsync<JsonElement>();
                Assert.Equal(0, found.GetProperty("total").GetInt32());
            }
            var own = await (await w.BOwner.GetAsync("/api/v1/search?q=B%20only")).ReadAsync<JsonElement>();
            Assert.Equal(1, own.GetProperty("total").GetInt32());
        },
        ["GET /api/v1/tickets"] = async () =>
        {
            await (await w.AOwner.GetAsync($"/api/v1/tickets?inbox={w.BInbox.Id}")).AssertStatusAsync(HttpStatusCode.NotFound);
            foreach (var place in new[] { "inbox", "trash", "spam" })
            {
                var tickets = await (await w.AOwner.GetAsync($"/api/v1/tickets?place={place}&limit=200")).ReadAsync<JsonElement>();
                Assert.DoesNotContain(w.BTicketId.ToString(), tickets.GetRawText(), StringComparison.OrdinalIgnoreCase);
            }
        },
        ["GET /api/v1/tickets/{id:guid}"] = async () =>
            await (await w.AOwner.GetAsync($"/api/v1/tickets/{w.BTicketId}")).AssertStatusAsync(HttpStatusCode.NotFound),
        ["PATCH /api/v1/tickets/{id:guid}"] = async () =>
        {
            await (await w.AOwner.PatchAsJsonAsync($"/api/v1/tickets/{w.BTicketId}", new { status = "closed", place = "trash" })).AssertStatusAsync(HttpStatusCode.NotFound);
            // A's own ticket cannot be moved into, labelled with or assigned to B's things.
            await (await w.AOwner.PatchAsJsonAsync($"/api/v1/tickets/{w.ATicketId}", new { inboxId = w.BInbox.Id })).AssertStatusAsync(HttpStatusCode.BadRequest);
            await (await w.AOwner.PatchAsJsonAsync($"/api/v1/tickets/{w.ATicketId}", new { labelIds = new[] { w.BLabelId } })).AssertStatusAsync(HttpStatusCode.BadRequest);
            await (await w.AOwner.PatchAsJsonAsync($"/api/v1/tickets/{w.ATicketId}", new { pendingReasonId = w.BReasonId })).AssertStatusAsync(HttpStatusCode.BadRequest);
            await (await w.AOwner.PatchAsJsonAsync($"/api/v1/tickets/{w.ATicketId}", new { assigneeId = w.BUser.Id })).AssertStatusAsync(HttpStatusCode.BadRequest);
        },
        ["POST /api/v1/tickets/bulk"] = async () =>
        {
            var result = await (await w.AOwner.PostAsJsonAsync("/api/v1/tickets/bulk", new { ticketIds = new[] { w.BTicketId }, status = "closed", place = "trash" })).ReadAsync<JsonElement>();
            Assert.Equal("not_found", result.GetProperty("items")[0].GetProperty("code").GetString());
        },
        ["GET /api/v1/tickets/{id:guid}/comments"] = async () =>
            await (await w.AOwner.GetAsync($"/api/v1/tickets/{w.BTicketId}/comments")).AssertStatusAsync(HttpStatusCode.NotFound),
        ["POST /api/v1/tickets/{id:guid}/comments"] = async () =>
            await (await w.AOwner.PostAsJsonAsync($"/api/v1/tickets/{w.BTicketId}/comments", new { body = "@all A was here" })).AssertStatusAsync(HttpStatusCode.NotFound),
        ["GET /api/v1/tickets/{id:guid}/history"] = async () =>
            await (await w.AOwner.GetAsync($"/api/v1/tickets/{w.BTicketId}/history")).AssertStatusAsync(HttpStatusCode.NotFound),
        ["GET /api/v1/tickets/{id:guid}/presence"] = async () =>
            await (await w.AOwner.GetAsync($"/api/v1/tickets/{w.BTicketId}/presence")).AssertStatusAsync(HttpStatusCode.NotFound),
        // Drafts: B's draft stays out of A's reach, through B's ticket and through A's own.
        ["GET /api/v1/tickets/{id:guid}/drafts"] = async () =>
        {
            var draft = await BDraftAsync(w);
            await (await w.AOwner.GetAsync($"/api/v1/tickets/{w.BTicketId}/drafts")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
            var own = await (await w.AOwner.GetAsync($"/api/v1/tickets/{w.ATicketId}/drafts")).ReadAsync<JsonElement>();
            Assert.DoesNotContain(draft.ToString(), own.GetRawText(), StringComparison.OrdinalIgnoreCase);
        },
        ["POST /api/v1/tickets/{id:guid}/drafts"] = async () =>
            await (await w.AOwner.PostAsJsonAsync($"/api/v1/tickets/{w.BTicketId}/drafts", new { text = "A was here" })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["PATCH /api/v1/tickets/{id:guid}/drafts/{draftId:guid}"] = async () =>
        {
            var draft = await BDraftAsync(w);
            await (await w.AOwner.PatchAsJsonAsync($"/api/v1/tickets/{w.BTicketId}/drafts/{draft}", new { text = "A was here", version = 1 })).AssertStatusAsync(HttpStatusCode.NotFound);
            await (await w.AOwner.PatchAsJsonAsync($"/api/v1/tickets/{w.ATicketId}/drafts/{draft}", new { text = "A was here", version = 1 })).AssertStatusAsync(HttpStatusCode.NotFound);
            Assert.Equal("B draft|1", await w.A.App.WithDbAsync(db => db.ReplyDrafts.AsNoTracking().Where(d => d.Id == draft).Select(d => d.Text + "|" + d.Version).SingleAsync()));
        },
        ["DELETE /api/v1/tickets/{id:guid}/drafts/{draftId:guid}"] = async () =>
        {
            var draft = await BDraftAsync(w);
            await (await w.AOwner.DeleteAsync($"/api/v1/tickets/{w.BTicketId}/drafts/{draft}")).AssertStatusAsync(HttpStatusCode.NotFound);
            await (await w.AOwner.DeleteAsync($"/api/v1/tickets/{w.ATicketId}/drafts/{draft}")).AssertStatusAsync(HttpStatusCode.NotFound);
            Assert.True(await w.A.App.WithDbAsync(db => db.ReplyDrafts.AnyAsync(d => d.Id == draft)));
        },
        ["GET /api/v1/notifications"] = async () =>
        {
            var mine = await (await w.AOwner.GetAsync("/api/v1/notifications?limit=200")).ReadAsync<JsonElement>();
            Assert.DoesNotContain(w.BNotificationId.ToString(), mine.GetRawText(), StringComparison.OrdinalIgnoreCase);
        },
        ["POST /api/v1/notifications/{id:guid}/read"] = async () =>
            await (await w.AOwner.PostAsync($"/api/v1/notifications/{w.BNotificationId}/read", null)).AssertStatusAsync(HttpStatusCode.NotFound),
        ["POST /api/v1/notifications/read-all"] = async () =>
            await (await w.AOwner.PostAsync("/api/v1/notifications/read-all", null)).AssertStatusAsync(HttpStatusCode.NoContent),
        ["GET /api/v1/inboxes/{id:guid}/labels"] = async () =>
            await (await w.AOwner.GetAsync($"/api/v1/inboxes/{w.BInbox.Id}/labels")).AssertStatusAsync(HttpStatusCode.NotFound),
        ["POST /api/v1/inboxes/{id:guid}/labels"] = async () =>
            await (await w.AOwner.PostAsJsonAsync($"/api/v1/inboxes/{w.BInbox.Id}/labels", new { name = "A", color = "#000000", parentId = w.BLabelId })).AssertStatusAsync(HttpStatusCode.NotFound),
        ["PATCH /api/v1/inboxes/{id:guid}/labels/{labelId:guid}"] = async () =>
        {
            await (await w.AOwner.PatchAsJsonAsync($"/api/v1/inboxes/{w.BInbox.Id}/labels/{w.BLabelId}", new { name = "A" })).AssertStatusAsync(HttpStatusCode.NotFound);
            await (await w.AOwner.PatchAsJsonAsync($"/api/v1/inboxes/{w.AInbox.Id}/labels/{w.BLabelId}", new { name = "A" })).AssertStatusAsync(HttpStatusCode.NotFound);
        },
        ["DELETE /api/v1/inboxes/{id:guid}/labels/{labelId:guid}"] = async () =>
        {
            await (await w.AOwner.DeleteAsync($"/api/v1/inboxes/{w.BInbox.Id}/labels/{w.BLabelId}")).AssertStatusAsync(HttpStatusCode.NotFound);
            await (await w.AOwner.DeleteAsync($"/api/v1/inboxes/{w.AInbox.Id}/labels/{w.BLabelId}")).AssertStatusAsync(HttpStatusCode.NotFound);
        },
        ["GET /api/v1/inboxes/{id:guid}/pending-reasons"] = async () =>
            await (await w.AOwner.GetAsync($"/api/v1/inboxes/{w.BInbox.Id}/pending-reasons")).AssertStatusAsync(HttpStatusCode.NotFound),
        ["POST /api/v1/inboxes/{id:guid}/pending-reasons"] = async () =>
            await (await w.AOwner.PostAsJsonAsync($"/api/v1/inboxes/{w.BInbox.Id}/pending-reasons", new { name = "A" })).AssertStatusAsync(HttpStatusCode.NotFound),
        ["PATCH /api/v1/inboxes/{id:guid}/pending-reasons/{reasonId:guid}"] = async () =>
        {
            await (await w.AOwner.PatchAsJsonAsync($"/api/v1/inboxes/{w.BInbox.Id}/pending-reasons/{w.BReasonId}", new { name = "A" })).AssertStatusAsync(HttpStatusCode.NotFound);
            await (await w.AOwner.PatchAsJsonAsync($"/api/v1/inboxes/{w.AInbox.Id}/pending-reasons/{w.BReasonId}", new { name = "A" })).AssertStatusAsync(HttpStatusCode.NotFound);
        },
        ["DELETE /api/v1/inboxes/{id:guid}/pending-reasons/{reasonId:guid}"] = async () =>
        {
            await (await w.AOwner.DeleteAsync($"/api/v1/inboxes/{w.BInbox.Id}/pending-reasons/{w.BReasonId}")).AssertStatusAsync(HttpStatusCode.NotFound);
            await (await w.AOwner.DeleteAsync($"/api/v1/inboxes/{w.AInbox.Id}/pending-reasons/{w.BReasonId}")).AssertStatusAsync(HttpStatusCode.NotFound);
        },
        ["DELETE /api/v1/tickets/{id:guid}"] = async () =>
            await (await w.AOwner.DeleteAsync($"/api/v1/tickets/{w.BTicketId}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["POST /api/v1/inboxes/{id:guid}/empty-trash"] = async () =>
            await (await w.AOwner.PostAsync($"/api/v1/inboxes/{w.BInbox.Id}/empty-trash", null)).AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["GET /api/v1/inboxes/{id:guid}/retention"] = async () =>
            await (await w.AOwner.GetAsync($"/api/v1/inboxes/{w.BInbox.Id}/retention")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["PUT /api/v1/inboxes/{id:guid}/retention"] = async () =>
            await (await w.AOwner.PutAsJsonAsync($"/api/v1/inboxes/{w.BInbox.Id}/retention", new { autoDeleteClosedAfterDays = 90 })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found"),
        ["GET /api/v1/account/storage"] = async () =>
        {
            var own = await app.WithDbAsync(db => db.AccountStorageUsages.Where(u => u.AccountId == w.A.Id).Select(u => (long?)u.Bytes).SingleOrDefaultAsync()) ?? 0;
            var storage = await (await w.AOwner.GetAsync($"/api/v1/account/storage?accountId={w.B.Id}")).ReadAsync<JsonElement>();
            Assert.Equal(own, storage.GetProperty("usedBytes").GetInt64());
        },
        ["GET /api/v1/operator/accounts/{id:guid}/storage"] = async () =>
            await AssertOperatorsOnlyAsync(w, c => c.GetAsync($"/api/v1/operator/accounts/{w.B.Id}/storage")),
        ["GET /api/v1/messages/{id:guid}/raw"] = async () =>
            await (await w.AOwner.GetAsync($"/api/v1/messages/{w.BMessageId}/raw")).AssertStatusAsync(HttpStatusCode.NotFound),
        ["GET /api/v1/messages/{id:guid}/attachments/{attachmentId:guid}"] = async () =>
            await (await w.AOwner.GetAsync($"/api/v1/messages/{w.BMessageId}/attachments/{w.BAttachmentId}")).AssertStatusAsync(HttpStatusCode.NotFound),
    };

    private static object ServerBody(string username) => new
    {
        protocol = "imap", host = "127.0.0.1", port = 9, security = "none", username, password = "secret-password", folders = new[] { "INBOX" },
    };

    private static object SendAddressBody(string address) => new
    {
        address, displayName = "B", host = "127.0.0.1", port = 9, security = "none", authentication = "none",
    };

    /// <summary>A draft of B's owner on B's ticket.</summary>
    private static async Task<Guid> BDraftAsync(World w) =>
        (await (await w.BOwner.PostAsJsonAsync($"/api/v1/tickets/{w.BTicketId}/drafts", new { text = "B draft" })).ReadAsync<JsonElement>(HttpStatusCode.Created))
            .GetProperty("id").GetGuid();

    private static async Task AssertNoneOfBAsync(HttpClient client, World w)
    {
        var users = await (await client.GetAsync("/api/v1/users?limit=200")).ReadAsync<PageBody<UserView>>();
        Assert.Contains(users.Items, u => u.Id == w.A.Owner.Id);
        Assert.DoesNotContain(users.Items, u => w.BUserIds.Contains(u.Id));
    }

    private sealed record CreatedUserResponseBody(UserView User, string InvitationUrl);

    /// <summary>Account A (the one asking) and account B (whose data must stay out of reach), with one of everything in B.</summary>
    private sealed record World(
        TestAccount A, HttpClient AOwner, HttpClient AMember, InboxView AInbox,
        TestAccount B, HttpClient BOwner, HttpClient BSession, UserView BUser, UserView BSecondOwner, UserView BLocked, UserView BInvited, InboxView BInbox, Guid BTokenId,
        Guid BServerId, Guid BTicketId, Guid BMessageId, Guid BAttachmentId, Guid ATicketId, Guid BLabelId, Guid BReasonId, Guid BNotificationId,
        Guid BOptionRequestId, Guid BSendAddressId, Guid BSentMessageId)
    {
        public IReadOnlyList<Guid> BUserIds => [B.Owner.Id, BUser.Id, BSecondOwner.Id, BLocked.Id, BInvited.Id];

        public static async Task<World> CreateAsync(MadoguchiApp app)
        {
            var a = await app.CreateAccountAsync();
            var aOwner = await app.TokenClientAsync(a.Owner);
            var aMember = await app.TokenClientAsync(await a.AddActiveUserAsync(aOwner));
            var aInbox = await (await aOwner.PostAsJsonAsync("/api/v1/inboxes", new { name = "A の受信箱" })).ReadAsync<InboxView>(HttpStatusCode.Created);

            var b = await app.CreateAccountAsync();
            var bOwner = await app.TokenClientAsync(b.Owner);
            var bSession = await b.SignInOwnerAsync();
            var bUser = await b.AddActiveUserAsync(bOwner, "B", "user");
            var bSecondOwner = await b.AddActiveUserAsync(bOwner, "B", "owner", owner: true);
            var bLocked = await b.AddActiveUserAsync(bOwner, "B", "locked");
            await app.LockAsync(bLocked.Id);
            var (bInvited, _) = await b.InviteUserAsync(bOwner, "B", "invited");
            var bInbox = await (await bOwner.PostAsJsonAsync("/api/v1/inboxes", new { name = "B の受信箱" })).ReadAsync<InboxView>(HttpStatusCode.Created);
            await (await bOwner.PutAsJsonAsync($"/api/v1/inboxes/{bInbox.Id}/roles/{bUser.Id}", new { role = "operator" })).AssertStatusAsync(HttpStatusCode.NoContent);
            var bToken = await (await bOwner.PostAsJsonAsync("/api/v1/me/tokens", new { name = "B token" })).ReadAsync<CreatedApiToken>();
            var bServer = await (await bOwner.PostAsJsonAsync($"/api/v1/inboxes/{bInbox.Id}/receive-servers", ServerBody("b-user"))).ReadAsync<JsonElement>(HttpStatusCode.Created);
            var bMail = await app.ReceiveAsync(bInbox.Id, MailWithAttachment());
            var bAttachment = await app.WithDbAsync(db => db.TicketAttachments.Where(x => x.TicketMessageId == bMail.TicketMessageId).Select(x => x.Id).SingleAsync());
            // A's own mail shares none of the words A searches B's mail for ("B only", "customer", "b.pdf", "b-secret").
            var aMail = await app.ReceiveAsync(aInbox.Id, MailWithAttachment().Replace("b-secret@", "a-own@", StringComparison.Ordinal)
                .Replace("B only.", "A only.", StringComparison.Ordinal).Replace("customer@example.com", "kunde@example.org", StringComparison.Ordinal)
                .Replace("b.pdf", "a.pdf", StringComparison.Ordinal).Replace("Subject: B account mail", "Subject: A account mail", StringComparison.Ordinal));
            var bLabel = await (await bOwner.PostAsJsonAsync($"/api/v1/inboxes/{bInbox.Id}/labels", new { name = "B label", color = "#123456" })).ReadAsync<JsonElement>();
            var bReason = await (await bOwner.PostAsJsonAsync($"/api/v1/inboxes/{bInbox.Id}/pending-reasons", new { name = "B reason" })).ReadAsync<JsonElement>();
            await (await bOwner.PostAsJsonAsync($"/api/v1/tickets/{bMail.TicketId}/comments", new { body = "@all B note" })).AssertStatusAsync(HttpStatusCode.OK);
            var bNotification = await app.WithDbAsync(db => db.Notifications.Where(n => n.UserId == bUser.Id).Select(n => n.Id).SingleAsync());
            var bOptionRequest = await (await bOwner.PostAsJsonAsync("/api/v1/account/option-requests", new { users = 2, other = "B only" })).ReadAsync<JsonElement>(HttpStatusCode.Created);
            var bSendAddress = await (await bOwner.PostAsJsonAsync($"/api/v1/inboxes/{bInbox.Id}/send-addresses", SendAddressBody("support@b.example.jp")))
                .ReadAsync<JsonElement>(HttpStatusCode.Created);
            var bSent = await (await bOwner.PostAsJsonAsync($"/api/v1/tickets/{bMail.TicketId!.Value}/replies", new { text = "B reply", statusAfter = "open" }))
                .ReadAsync<JsonElement>(HttpStatusCode.Accepted);
            return new World(a, aOwner, aMember, aInbox, b, bOwner, bSession, bUser, bSecondOwner, bLocked, bInvited, bInbox, bToken.Token.Id,
                bServer.GetProperty("id").GetGuid(), bMail.TicketId!.Value, bMail.TicketMessageId!.Value, bAttachment,
                aMail.TicketId!.Value, bLabel.GetProperty("id").GetGuid(), bReason.GetProperty("id").GetGuid(), bNotification,
                bOptionRequest.GetProperty("id").GetGuid(), bSendAddress.GetProperty("id").GetGuid(), bSent.GetProperty("id").GetGuid());
        }

        private static string MailWithAttachment() => string.Join("\r\n",
            "From: customer@example.com", "To: support@example.jp", "Subject: B account mail", "Message-ID: <b-secret@example.com>",
            "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"b\"", "", "--b", "Content-Type: text/plain; charset=UTF-8", "",
            "B only.", "--b", "Content-Type: application/pdf; name=\"b.pdf\"", "Content-Disposition: attachment; filename=\"b.pdf\"",
            "Content-Transfer-Encoding: base64", "", "JVBERi0xLjQK", "--b--", "");

        /// <summary>Everything of B that A must not be able to change, as one comparable string.</summary>
        public Task<string> SnapshotOfBAsync() => A.App.WithDbAsync(async db =>
        {
            var users = await db.Users.AsNoTracking().Where(u => u.AccountId == B.Id).OrderBy(u => u.Id)
                .Select(u => $"{u.Id}|{u.FamilyName}|{u.GivenName}|{u.Department}|{u.MentionName}|{u.State}|{u.IsOwner}|{u.PasswordHash}|{u.SecurityStamp}|{u.Language}|{u.FailedSignInCount}|{u.InvitationTokenHash}")
                .ToListAsync();
            var inboxes = await db.Inboxes.AsNoTracking().Where(i => i.AccountId == B.Id).OrderBy(i => i.Id).Select(i => $"{i.Id}|{i.Name}|{i.Colour}").ToListAsync();
            var ids = BUserIds.ToList();
            var roles = await db.InboxRoles.AsNoTracking().Where(r => ids.Contains(r.UserId) || r.InboxId == BInbox.Id)
                .OrderBy(r => r.InboxId).ThenBy(r => r.UserId).Select(r => $"{r.InboxId}|{r.UserId}|{r.Role}").ToListAsync();
            var tokens = await db.ApiTokens.AsNoTracking().Where(t => ids.Contains(t.UserId)).OrderBy(t => t.Id).Select(t => $"{t.Id}|{t.UserId}").ToListAsync();
            var audit = await db.AuditEntries.AsNoTracking().Where(e => e.AccountId == B.Id).CountAsync();
            var account = await db.Accounts.AsNoTracking().Where(x => x.Id == B.Id).Select(x => $"{x.Name}|{x.OwnershipStamp}|{x.TimeZone}").SingleAsync();
            var servers = await db.ReceiveServers.AsNoTracking().Where(x => x.AccountId == B.Id).OrderBy(x => x.Id)
                .Select(x => $"{x.Id}|{x.Host}|{x.Port}|{x.Username}|{x.ProtectedPassword}").ToListAsync();
            var sendAddresses = await db.SendAddresses.AsNoTracking().Where(x => x.AccountId == B.Id).OrderBy(x => x.Id)
                .Select(x => $"{x.Id}|{x.Address}|{x.Host}|{x.Port}|{x.ProtectedPassword}").ToListAsync();
            var tickets = await db.Tickets.AsNoTracking().Where(t => t.AccountId == B.Id).OrderBy(t => t.Id)
                .Select(t => $"{t.Id}|{t.Status}|{t.Place}|{t.MessageCount}|{t.Version}|{t.AssigneeId}|{t.PendingReasonId}|{t.InboxId}").ToListAsync();
            var labels = await db.Labels.AsNoTracking().Where(l => l.InboxId == BInbox.Id).OrderBy(l => l.Id).Select(l => $"{l.Id}|{l.Name}|{l.Color}|{l.ParentId}").ToListAsync();
            var reasons = await db.PendingReasons.AsNoTracking().Where(r => r.InboxId == BInbox.Id).OrderBy(r => r.Id).Select(r => $"{r.Id}|{r.Name}|{r.Position}").ToListAsync();
            var comments = await db.TicketComments.AsNoTracking().CountAsync(c => c.AccountId == B.Id);
            var notifications = await db.Notifications.AsNoTracking().Where(n => n.AccountId == B.Id).OrderBy(n => n.Id).Select(n => $"{n.Id}|{n.ReadAt}").ToListAsync();
            var ticketLabels = await db.TicketLabels.AsNoTracking().CountAsync(x => x.LabelId == BLabelId);
            var optionRequests = await db.OptionRequests.AsNoTracking().Where(r => r.AccountId == B.Id).OrderBy(r => r.Id)
                .Select(r => $"{r.Id}|{r.State}|{r.ExtraUsers}|{r.Note}").ToListAsync();
            var plan = await db.AccountPlans.AsNoTracking().Where(p => p.AccountId == B.Id).Select(p => $"plan {p.PlanId}").ToListAsync();
            return string.Join("\n", [account, .. users, .. inboxes, .. roles, .. tokens, .. servers, .. sendAddresses, .. tickets, .. labels, .. reasons, .. notifications,
                .. optionRequests, .. plan, $"comments: {comments}", $"ticket labels: {ticketLabels}", $"audit entries: {audit}"]);
        });
    }
}
