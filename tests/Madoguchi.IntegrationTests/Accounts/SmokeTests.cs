using System.Net;
using System.Net.Http.Json;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;

namespace Madoguchi.IntegrationTests.Accounts;

public sealed class SmokeTests
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task Session_RightPassword_SignsInAndMeAnswers(DatabaseProvider provider)
    {
        await using var app = await MadoguchiApp.StartAsync(provider);
        var account = await app.CreateAccountAsync();
        var client = await account.SignInOwnerAsync();
        var me = await client.GetFromJsonAsync<Madoguchi.Core.Accounts.Users.UserView>("/api/v1/me", MadoguchiJson.Options);
        Assert.Equal(account.Owner.Id, me!.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.NewClient().GetAsync("/api/v1/me")).StatusCode);
    }
}
