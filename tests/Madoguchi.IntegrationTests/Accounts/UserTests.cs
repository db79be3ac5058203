using System.Net;
using System.Net.Http.Json;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Accounts;

public sealed class UserTests(AppFixture apps) : IClassFixture<AppFixture>
{
    private sealed record CreatedUserBody(UserView User, string InvitationUrl, DateTime InvitationExpiresAt);

    private static object NewUser(string? email = null, string? mentionName = null, string familyName = "佐藤", string givenName = "一郎", string? department = "サポート部") =>
        new { familyName, givenName, email = email ?? $"u-{Guid.NewGuid():N}@example.com", department, mentionName };

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateUser_AsOwner_StartsInvitedWithInvitationLinkAndAuditEntry(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);

        var response = await owner.PostAsJsonAsync("/api/v1/users", NewUser(mentionName: "sato.ichiro"));

        var created = await response.ReadAsync<CreatedUserBody>(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/users/{created.User.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(UserState.Invited, created.User.State);
        Assert.Equal("佐藤", created.User.FamilyName);
        Assert.Equal("サポート部", created.User.Department);
        Assert.Equal("sato.ichiro", created.User.MentionName);
        Assert.False(created.User.IsOwner);
        Assert.Contains("/invitations/", created.InvitationUrl, StringComparison.Ordinal);
        Assert.True(created.InvitationExpiresAt > DateTime.UtcNow);
        var stored = await app.WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == created.User.Id));
        Assert.Equal(account.Id, stored.AccountId);
        Assert.Null(stored.PasswordHash);
        var audit = await (await owner.GetAsync($"/api/v1/audit-log?action=userCreated&userId={created.User.Id}")).ReadAsync<PageBody<AuditEntryView>>();
        Assert.Equal(account.Owner.Id, Assert.Single(audit.Items).ActorUserId);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task AcceptInvitation_SetsPasswordAndActivatesOnce(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var (invited, token) = await account.InviteUserAsync(await app.TokenClientAsync(account.Owner), "鈴木", "次郎");
        var anonymous = app.NewClient();

        var greeting = await (await anonymous.GetAsync($"/api/v1/invitations/{token}")).ReadAsync<UserView>();
        await (await anonymous.PostAsJsonAsync($"/api/v1/invitations/{token}/accept", new { password = "short" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "password_too_short");
        var accepted = await (await anonymous.PostAsJsonAsync($"/api/v1/invitations/{token}/accept", new { password = "a-new-password-1" })).ReadAsync<UserView>();

        Assert.Equal(invited.Id, greeting.Id);
        Assert.Equal(UserState.Active, accepted.State);
        await app.SignInAsync(invited.Email, "a-new-password-1");
        await (await anonymous.PostAsJsonAsync($"/api/v1/invitations/{token}/accept", new { password = "another-password" }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "invitation_invalid");
        await (await anonymous.GetAsync($"/api/v1/invitations/{token}")).AssertProblemAsync(HttpStatusCode.NotFound, "invitation_invalid");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateUser_AsNonOwner_Answers403AndCreatesNothing(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var member = await account.AddActiveUserAsync(await app.TokenClientAsync(account.Owner));
        var client = await app.TokenClientAsync(member);
        var email = $"u-{Guid.NewGuid():N}@example.com";

        await (await client.PostAsJsonAsync("/api/v1/users", NewUser(email))).AssertProblemAsync(HttpStatusCode.Forbidden, "owners_only");

        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == email)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateUser_EmailTakenInAnyAccountInAnyCase_Answers409(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var other = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);

        await (await owner.PostAsJsonAsync("/api/v1/users", NewUser(other.Owner.Email.ToUpperInvariant())))
            .AssertProblemAsync(HttpStatusCode.Conflict, "email_taken");

        Assert.Equal(1, await app.WithDbAsync(db => db.Users.CountAsync(u => u.NormalizedEmail == other.Owner.Email.ToUpperInvariant())));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateUser_MentionNames_FollowTheCharacterRules(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);

        foreach (var valid in new[] { "taro", "taro.yamada", "t-1_x", "山田", "a", "A9" })
            await (await owner.PostAsJsonAsync("/api/v1/users", NewUser(mentionName: valid))).AssertStatusAsync(HttpStatusCode.Created);
        foreach (var invalid in new[] { "-taro", "taro-", ".taro", "taro.", "_x", "x_", "ta ro", "taro@x", "a/b", new string('a', 51) })
            await (await owner.PostAsJsonAsync("/api/v1/users", NewUser(mentionName: invalid))).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_mention_name");

        Assert.Equal(7, await app.WithDbAsync(db => db.Users.CountAsync(u => u.AccountId == account.Id)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateUser_MentionNameTakenInTheAccount_Answers409ButFreeInAnother(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var other = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        await (await owner.PostAsJsonAsync("/api/v1/users", NewUser(mentionName: "support"))).AssertStatusAsync(HttpStatusCode.Created);

        await (await owner.PostAsJsonAsync("/api/v1/users", NewUser(mentionName: "support"))).AssertProblemAsync(HttpStatusCode.Conflict, "mention_name_taken");
        await (await (await app.TokenClientAsync(other.Owner)).PostAsJsonAsync("/api/v1/users", NewUser(mentionName: "support"))).AssertStatusAsync(HttpStatusCode.Created);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task CreateUser_InvalidFields_Answer400WithTheRuleCode(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);

        foreach (var email in new[] { "", "taro", "taro@localhost", "taro@@example.com", "taro example@example.com" })
            await (await owner.PostAsJsonAsync("/api/v1/users", NewUser(email))).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_email");
        await (await owner.PostAsJsonAsync("/api/v1/users", NewUser(familyName: " "))).AssertProblemAsync(HttpStatusCode.BadRequest, "name_required");
        await (await owner.PostAsJsonAsync("/api/v1/users", NewUser(givenName: new string('x', 101)))).AssertProblemAsync(HttpStatusCode.BadRequest, "name_too_long");

        Assert.Equal(1, await app.WithDbAsync(db => db.Users.CountAsync(u => u.AccountId == account.Id)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task UpdateUser_AsOwner_ChangesProfileButNeverTheEmail(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var (user, _) = await account.InviteUserAsync(owner);

        var updated = await (await owner.PatchAsJsonAsync($"/api/v1/users/{user.Id}",
            new { familyName = "高橋", department = "営業部", mentionName = "takahashi", email = "changed@example.com" })).ReadAsync<UserView>();

        Assert.Equal("高橋", updated.FamilyName);
        Assert.Equal(user.GivenName, updated.GivenName);
        Assert.Equal("営業部", updated.Department);
        Assert.Equal("takahashi", updated.MentionName);
        Assert.Equal(user.Email, updated.Email);
        var fetched = await (await owner.GetAsync($"/api/v1/users/{user.Id}")).ReadAsync<UserView>();
        Assert.Equal(updated, fetched);
        await (await owner.PatchAsJsonAsync($"/api/v1/users/{user.Id}", new { mentionName = "-bad" })).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_mention_name");
        var cleared = await (await owner.PatchAsJsonAsync($"/api/v1/users/{user.Id}", new { department = "", mentionName = "" })).ReadAsync<UserView>();
        Assert.Null(cleared.Department);
        Assert.Null(cleared.MentionName);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task UpdateAndDeleteUser_AsNonOwner_Answer403AndChangeNothing(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var member = await account.AddActiveUserAsync(owner);
        var (other, _) = await account.InviteUserAsync(owner);
        var client = await app.TokenClientAsync(member);

        await (await client.PatchAsJsonAsync($"/api/v1/users/{other.Id}", new { familyName = "変更" })).AssertProblemAsync(HttpStatusCode.Forbidden, "owners_only");
        await (await client.PatchAsJsonAsync($"/api/v1/users/{member.Id}", new { familyName = "変更" })).AssertProblemAsync(HttpStatusCode.Forbidden, "owners_only");
        await (await client.DeleteAsync($"/api/v1/users/{other.Id}")).AssertProblemAsync(HttpStatusCode.Forbidden, "owners_only");

        var stored = await app.WithDbAsync(db => db.Users.AsNoTracking().Where(u => u.AccountId == account.Id).ToListAsync());
        Assert.Equal(3, stored.Count);
        Assert.DoesNotContain(stored, u => u.FamilyName == "変更");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task DeleteUser_AsOwner_RemovesUserEndsAccessAndAudits(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var member = await account.AddActiveUserAsync(owner);
        var memberClient = await app.TokenClientAsync(member);

        await (await owner.DeleteAsync($"/api/v1/users/{member.Id}")).AssertStatusAsync(HttpStatusCode.NoContent);

        await (await owner.GetAsync($"/api/v1/users/{member.Id}")).AssertProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.False(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Id == member.Id)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await memberClient.GetAsync("/api/v1/me")).StatusCode);
        var audit = await (await owner.GetAsync($"/api/v1/audit-log?action=userDeleted&userId={member.Id}")).ReadAsync<PageBody<AuditEntryView>>();
        Assert.Contains(member.Email, Assert.Single(audit.Items).TargetName, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task DeleteUser_TheLastOwner_IsRefusedAndStays(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);

        var response = await owner.DeleteAsync($"/api/v1/users/{account.Owner.Id}");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.True(await app.WithDbAsync(db => db.Users.AnyAsync(u => u.Id == account.Owner.Id && u.IsOwner)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task DeleteUser_AnOwnerWhileAnotherRemains_Succeeds(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var (second, _) = await account.InviteUserAsync(owner, owner: true);

        await (await owner.DeleteAsync($"/api/v1/users/{second.Id}")).AssertStatusAsync(HttpStatusCode.NoContent);

        Assert.Equal([account.Owner.Id], await app.WithDbAsync(db => db.Users.Where(u => u.AccountId == account.Id && u.IsOwner).Select(u => u.Id).ToListAsync()));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ListUsers_AnyUserOfTheAccount_SeesUsersWithPagingAndStateFilter(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);
        var member = await account.AddActiveUserAsync(owner);
        await account.InviteUserAsync(owner);
        await account.InviteUserAsync(owner);
        var client = await app.TokenClientAsync(member);

        var all = await (await client.GetAsync("/api/v1/users")).ReadAsync<PageBody<UserView>>();
        var page = await (await client.GetAsync("/api/v1/users?offset=1&limit=2")).ReadAsync<PageBody<UserView>>();
        var invited = await (await client.GetAsync("/api/v1/users?state=invited")).ReadAsync<PageBody<UserView>>();
        var me = await (await client.GetAsync("/api/v1/me")).ReadAsync<UserView>();

        Assert.Equal(4, all.Total);
        Assert.Equal(4, all.Items.Count);
        Assert.Equal(4, page.Total);
        Assert.Equal(all.Items.Skip(1).Take(2).Select(u => u.Id), page.Items.Select(u => u.Id));
        Assert.Equal(2, invited.Total);
        Assert.All(invited.Items, u => Assert.Equal(UserState.Invited, u.State));
        Assert.Equal(member.Id, me.Id);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ListUsers_LimitAbove200OrNegativeOffset_Answers400(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var owner = await app.TokenClientAsync(account.Owner);

        await (await owner.GetAsync("/api/v1/users?limit=200")).AssertStatusAsync(HttpStatusCode.OK);
        await (await owner.GetAsync("/api/v1/users?limit=201")).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_limit");
        await (await owner.GetAsync("/api/v1/users?limit=0")).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_limit");
        await (await owner.GetAsync("/api/v1/users?offset=-1")).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_offset");
        await (await owner.GetAsync("/api/v1/users?state=frozen")).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_state");
        await (await owner.GetAsync("/api/v1/users?state=2")).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_state");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task ChangePassword_OldPasswordStopsWorkingAndThisSessionStays(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var session = await account.SignInOwnerAsync();
        var otherSession = await account.SignInOwnerAsync();

        await (await session.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = "wrong-one!", newPassword = "brand-new-pass" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "wrong_current_password");
        await (await session.PostAsJsonAsync("/api/v1/me/password", new { currentPassword = MadoguchiApp.DefaultPassword, newPassword = "brand-new-pass" }))
            .AssertStatusAsync(HttpStatusCode.NoContent);

        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await otherSession.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.NewClient().PostAsJsonAsync("/api/v1/session", new { email = account.Owner.Email, password = MadoguchiApp.DefaultPassword })).StatusCode);
        await app.SignInAsync(account.Owner.Email, "brand-new-pass");
    }
}
