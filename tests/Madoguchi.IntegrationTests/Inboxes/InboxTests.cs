using System.Net;
using System.Net.Http.Json;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Inboxes;

public sealed class InboxTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateInbox_AsOwner_Answers201WithCreatorAsAdministratorAndAudits(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);

        var response = await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "サポート窓口", colour = "#43a047" });

        var inbox = await response.ReadAsync<InboxView>(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/inboxes/{inbox.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal("サポート窓口", inbox.Name);
        Assert.Equal("#43a047", inbox.Colour);
        Assert.Equal(InboxRole.Administrator, inbox.MyRole);
        Assert.Equal(account.Id, await app.WithDbAsync(db => db.Inboxes.Where(i => i.Id == inbox.Id).Select(i => i.AccountId).SingleAsync()));
        var audit = await (await owner.GetAsync("/api/v1/audit-log?action=inboxCreated")).ReadAsync<PageBody<AuditEntryView>>();
        Assert.Equal("サポート窓口", Assert.Single(audit.Items).Detail);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateInbox_InvalidNameOrColour_Answers400(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);

        await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "" })).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_inbox_name");
        await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = new string('x', 101) })).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_inbox_name");
        await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "ok", colour = "red" })).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_colour");

        Assert.False(await app.WithDbAsync(db => db.Inboxes.AnyAsync(i => i.AccountId == account.Id)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateAndDeleteInbox_AsNonOwner_Answer403EvenForTheInboxAdministrator(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var member = await account.AddActiveUserAsync(owner);
        var inbox = await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "info" })).ReadAsync<InboxView>(HttpStatusCode.Created);
        await (await owner.PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/roles/{member.Id}", new { role = "administrator" })).AssertStatusAsync(HttpStatusCode.NoContent);
        var client = await app.TokenClientAsync(member);

        await (await client.PostAsJsonAsync("/api/v1/inboxes", new { name = "mine" })).AssertProblemAsync(HttpStatusCode.Forbidden, "owners_only");
        await (await client.DeleteAsync($"/api/v1/inboxes/{inbox.Id}")).AssertProblemAsync(HttpStatusCode.Forbidden, "owners_only");

        Assert.Equal([inbox.Id], await app.WithDbAsync(db => db.Inboxes.Where(i => i.AccountId == account.Id).Select(i => i.Id).ToListAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task DeleteInbox_AsOwner_RemovesItWithItsRolesAndAudits(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var member = await account.AddActiveUserAsync(owner);
        var inbox = await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "sales" })).ReadAsync<InboxView>(HttpStatusCode.Created);
        await (await owner.PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/roles/{member.Id}", new { role = "operator" })).AssertStatusAsync(HttpStatusCode.NoContent);

        await (await owner.DeleteAsync($"/api/v1/inboxes/{inbox.Id}")).AssertStatusAsync(HttpStatusCode.NoContent);

        Assert.False(await app.WithDbAsync(db => db.Inboxes.AnyAsync(i => i.Id == inbox.Id)));
        Assert.False(await app.WithDbAsync(db => db.InboxRoles.AnyAsync(r => r.InboxId == inbox.Id)));
        await (await owner.DeleteAsync($"/api/v1/inboxes/{inbox.Id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        var audit = await (await owner.GetAsync("/api/v1/audit-log?action=inboxDeleted")).ReadAsync<PageBody<AuditEntryView>>();
        Assert.Single(audit.Items);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ListInboxes_ShowsEachRoleAboveNoneAndHidesInboxesWithNone(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var member = await account.AddActiveUserAsync(owner);
        var roles = new[] { InboxRole.Administrator, InboxRole.Manager, InboxRole.Operator, InboxRole.Assistant, InboxRole.None };
        var inboxes = new Dictionary<InboxRole, Guid>();
        foreach (var role in roles)
        {
            var inbox = await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = $"inbox-{role}" })).ReadAsync<InboxView>(HttpStatusCode.Created);
            await (await owner.PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/roles/{member.Id}", new { role })).AssertStatusAsync(HttpStatusCode.NoContent);
            inboxes[role] = inbox.Id;
        }

        var memberView = await (await (await app.TokenClientAsync(member)).GetAsync("/api/v1/inboxes")).ReadAsync<PageBody<InboxView>>();
        var ownerView = await (await owner.GetAsync("/api/v1/inboxes")).ReadAsync<PageBody<InboxView>>();

        Assert.Equal(4, memberView.Total);
        foreach (var role in roles.Where(r => r != InboxRole.None))
            Assert.Equal(role, Assert.Single(memberView.Items, i => i.Id == inboxes[role]).MyRole);
        Assert.DoesNotContain(memberView.Items, i => i.Id == inboxes[InboxRole.None]);
        Assert.Equal(5, ownerView.Total);
        Assert.All(ownerView.Items, i => Assert.Equal(InboxRole.Administrator, i.MyRole));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SetRole_None_HidesTheInboxAgain(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var member = await account.AddActiveUserAsync(owner);
        var client = await app.TokenClientAsync(member);
        var inbox = await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "info" })).ReadAsync<InboxView>(HttpStatusCode.Created);
        await (await owner.PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/roles/{member.Id}", new { role = "administrator" })).AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal(1, (await (await client.GetAsync("/api/v1/inboxes")).ReadAsync<PageBody<InboxView>>()).Total);

        await (await owner.PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/roles/{member.Id}", new { role = "none" })).AssertStatusAsync(HttpStatusCode.NoContent);

        Assert.Equal(0, (await (await client.GetAsync("/api/v1/inboxes")).ReadAsync<PageBody<InboxView>>()).Total);
        Assert.False(await app.WithDbAsync(db => db.InboxRoles.AnyAsync(r => r.UserId == member.Id)));
        // Invisible means not found, not forbidden.
        await (await client.PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/roles/{member.Id}", new { role = "administrator" })).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SetRole_ByInboxAdministrator_AllowedBelowAdministrator_Refused(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var admin = await account.AddActiveUserAsync(owner);
        var manager = await account.AddActiveUserAsync(owner);
        var target = await account.AddActiveUserAsync(owner);
        var inbox = await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "info" })).ReadAsync<InboxView>(HttpStatusCode.Created);
        await (await owner.PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/roles/{admin.Id}", new { role = "administrator" })).AssertStatusAsync(HttpStatusCode.NoContent);
        await (await owner.PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/roles/{manager.Id}", new { role = "manager" })).AssertStatusAsync(HttpStatusCode.NoContent);

        await (await (await app.TokenClientAsync(admin)).PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/roles/{target.Id}", new { role = "assistant" }))
            .AssertStatusAsync(HttpStatusCode.NoContent);
        await (await (await app.TokenClientAsync(manager)).PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/roles/{target.Id}", new { role = "manager" }))
            .AssertProblemAsync(HttpStatusCode.Forbidden, "inbox_role_too_low");

        Assert.Equal(InboxRole.Assistant, await app.WithDbAsync(db => db.InboxRoles.Where(r => r.InboxId == inbox.Id && r.UserId == target.Id).Select(r => r.Role).SingleAsync()));
        var audit = await (await owner.GetAsync($"/api/v1/audit-log?action=inboxRoleChanged&userId={target.Id}")).ReadAsync<PageBody<AuditEntryView>>();
        Assert.Equal(admin.Id, Assert.Single(audit.Items).ActorUserId);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SetRole_MissingOrUnknownRole_Answers400(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var inbox = await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "info" })).ReadAsync<InboxView>(HttpStatusCode.Created);

        await (await owner.PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/roles/{account.Owner.Id}", new { })).AssertProblemAsync(HttpStatusCode.BadRequest, "role_required");
        var unknown = await owner.PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/roles/{account.Owner.Id}", new { role = "superuser" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var numeric = await owner.PutAsJsonAsync($"/api/v1/inboxes/{inbox.Id}/roles/{account.Owner.Id}", new { role = 99 });
        Assert.Equal(HttpStatusCode.BadRequest, numeric.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Permissions_ShowUsersByVisibleInboxesWithRolesAndOwners(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var member = await account.AddActiveUserAsync(owner);
        var shared = await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "shared" })).ReadAsync<InboxView>(HttpStatusCode.Created);
        var hidden = await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name = "hidden" })).ReadAsync<InboxView>(HttpStatusCode.Created);
        await (await owner.PutAsJsonAsync($"/api/v1/inboxes/{shared.Id}/roles/{member.Id}", new { role = "manager" })).AssertStatusAsync(HttpStatusCode.NoContent);

        var ownerMatrix = await (await owner.GetAsync("/api/v1/permissions")).ReadAsync<PermissionMatrix>();
        var memberMatrix = await (await (await app.TokenClientAsync(member)).GetAsync("/api/v1/permissions")).ReadAsync<PermissionMatrix>();

        Assert.Equal(new[] { hidden.Id, shared.Id }.Order(), ownerMatrix.Inboxes.Select(i => i.Id).Order());
        Assert.Equal(2, ownerMatrix.Rows.Count);
        Assert.True(Assert.Single(ownerMatrix.Rows, r => r.User.Id == account.Owner.Id).User.IsOwner);
        Assert.Equal(InboxRole.Manager, Assert.Single(ownerMatrix.Rows, r => r.User.Id == member.Id).Roles[shared.Id]);
        Assert.Equal([shared.Id], memberMatrix.Inboxes.Select(i => i.Id));
        Assert.All(memberMatrix.Rows, r => Assert.DoesNotContain(hidden.Id, r.Roles.Keys));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ListInboxes_LimitAbove200_Answers400(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        foreach (var name in new[] { "b", "a", "c" })
            await (await owner.PostAsJsonAsync("/api/v1/inboxes", new { name })).AssertStatusAsync(HttpStatusCode.Created);

        await (await owner.GetAsync("/api/v1/inboxes?limit=201")).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_limit");
        var page = await (await owner.GetAsync("/api/v1/inboxes?offset=1&limit=1")).ReadAsync<PageBody<InboxView>>();
        Assert.Equal(3, page.Total);
        Assert.Equal("b", Assert.Single(page.Items).Name);
    }
}
