using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;

namespace Madoguchi.IntegrationTests.Ui;

public sealed partial class SuspendedSignInPageTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task SignInPage_SuspendedAccount_ShowsWhyInJapanese(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var account = await app.CreateAccountAsync();
        var operatorClient = await app.SignInOperatorAsync();
        await (await operatorClient.PostAsJsonAsync($"/api/v1/operator/accounts/{account.Id}/suspend", new { reason = "契約期間が終了しました" })).AssertStatusAsync(HttpStatusCode.OK);
        var client = app.NewClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ja-JP,ja;q=0.9");
        var form = await client.GetStringAsync("/signin");
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = AntiforgeryField().Match(form).Groups[1].Value,
            ["Input.Email"] = account.Owner.Email,
            ["Input.Password"] = MadoguchiApp.DefaultPassword,
        });

        var page = await (await client.PostAsync("/signin", content)).Content.ReadAsStringAsync();

        var alert = SignInError().Match(page).Groups[1].Value;
        Assert.Contains("利用停止", alert, StringComparison.Ordinal);
        Assert.Contains("契約期間が終了しました", alert, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("role=\"alert\" data-testid=\"signin-error\">([^<]*)<")]
    private static partial Regex SignInError();
}
