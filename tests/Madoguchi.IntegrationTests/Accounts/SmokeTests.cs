using System.Net;
using System.Net.Http.Json;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;

namespace Madoguchi.IntegrationTests.Accounts;

public sealed class SmokeTests
{
    [Fact]
    public async Task Session_RightPassword_SignsInAndMeAnswers()
    {
        await using var app = await MadoguchiApp.StartAsync(DatabaseProvider.Sqlite);
        var account = await app.CreateAccountAsync();
        var client = await account.SignInOwnerAsync();
        var me = await client.GetFromJsonAsync<Madoguchi.Core.Accounts.Users.UserView>("/api/v1/me", MadoguchiJson.Options);
        Assert.Equal(account.Owner.Id, me!.Id);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.NewClient().GetAsync("/api/v1/me")).StatusCode);
    }
}
