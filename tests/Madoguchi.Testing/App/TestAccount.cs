using System.Net.Http.Json;
using Madoguchi.Core.Accounts.Users;

namespace Madoguchi.Testing.App;

/// <summary>One account of the app under test, with its first owner.</summary>
public sealed record TestAccount(MadoguchiApp App, Guid Id, UserView Owner)
{
    public Task<HttpClient> SignInOwnerAsync() => App.SignInAsync(Owner.Email);

    /// <summary>Adds a user through the API as the owner, accepts the invitation, and returns the active user.</summary>
    public async Task<UserView> AddActiveUserAsync(string familyName = "山田", string givenName = "花子", bool owner = false, string password = MadoguchiApp.DefaultPassword) =>
        await AddActiveUserAsync(await SignInOwnerAsync(), familyName, givenName, owner, password);

    /// <summary>As <see cref="AddActiveUserAsync(string, string, bool, string)"/>, with a client already signed in as an owner.</summary>
    public async Task<UserView> AddActiveUserAsync(HttpClient ownerClient, string familyName = "山田", string givenName = "花子", bool owner = false, string password = MadoguchiApp.DefaultPassword)
    {
        var (_, token) = await InviteUserAsync(ownerClient, familyName, givenName, owner);
        var accepted = await App.NewClient().PostAsJsonAsync($"/api/v1/invitations/{token}/accept", new { password });
        accepted.EnsureSuccessStatusCode();
        return (await accepted.Content.ReadFromJsonAsync<UserView>(MadoguchiJson.Options))!;
    }

    /// <summary>Adds a user through the API who stays invited (登録待ち); returns the user and the invitation token.</summary>
    public async Task<(UserView User, string InvitationToken)> InviteUserAsync(HttpClient ownerClient, string familyName = "山田", string givenName = "花子", bool owner = false)
    {
        var email = $"user-{Guid.NewGuid():N}@example.com";
        var created = await ownerClient.PostAsJsonAsync("/api/v1/users", new { familyName, givenName, email, isOwner = owner });
        created.EnsureSuccessStatusCode();
        var body = await created.Content.ReadFromJsonAsync<CreatedUserBody>(MadoguchiJson.Options);
        return (body!.User, body.InvitationUrl[(body.InvitationUrl.LastIndexOf('/') + 1)..]);
    }

    private sealed record CreatedUserBody(UserView User, string InvitationUrl);
}
