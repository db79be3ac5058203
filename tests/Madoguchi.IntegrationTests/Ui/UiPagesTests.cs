using System.Net;
using System.Text.RegularExpressions;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;

namespace Madoguchi.IntegrationTests.Ui;

/// <summary>The UI's server-side rules that need no browser: rate limiting of the sign-in form, language choice,
/// and who may open which page.</summary>
public sealed partial class UiPagesTests
{
    [Fact]
    public async Task SignInPage_TooManyAttempts_Answers429ButStillShowsTheForm()
    {
        await using var app = await MadoguchiApp.StartAsync(DatabaseProvider.Sqlite,
            new Dictionary<string, string?> { ["Madoguchi:Accounts:SignInRateLimit:PermitsPerMinute"] = "3" });
        var client = app.NewClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
            statuses.Add((await PostSignInAsync(client, "nobody@example.com", "wrong-password")).StatusCode);

        Assert.All(statuses.Take(3), s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[3]);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/signin")).StatusCode);
        // The API's sign-in shares the policy, not the budget of another endpoint; it is limited on its own.
    }

    [Fact]
    public async Task SignInPage_AcceptLanguage_PicksJapaneseOrEnglish()
    {
        await using var app = await MadoguchiApp.StartAsync(DatabaseProvider.Sqlite);
        Assert.Contains("ログイン", await GetAsync(app, "/signin", "ja-JP,ja;q=0.9"), StringComparison.Ordinal);
        var english = await GetAsync(app, "/signin", "en-US,en;q=0.9");
        Assert.Contains("Sign in", english, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\"", english, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignInPage_WrongPasswordAndUnknownEmail_ReadTheSame()
    {
        await using var app = await MadoguchiApp.StartAsync(DatabaseProvider.Sqlite);
        var account = await app.CreateAccountAsync();
        var client = app.NewClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ja");
        var wrongPassword = await (await PostSignInAsync(client, account.Owner.Email, "wrong-password")).Content.ReadAsStringAsync();
        var unknownEmail = await (await PostSignInAsync(client, "nobody@example.com", "wrong-password")).Content.ReadAsStringAsync();
        Assert.Equal(AlertOf(wrongPassword), AlertOf(unknownEmail));
        Assert.Equal("メールアドレスまたはパスワードが正しくありません。", AlertOf(wrongPassword));
    }

    [Fact]
    public async Task SignInPage_RightPassword_SetsSessionAndLanguageCookies()
    {
        await using var app = await MadoguchiApp.StartAsync(DatabaseProvider.Sqlite);
        var account = await app.CreateAccountAsync();
        var api = await account.SignInOwnerAsync();
        (await api.PatchAsync("/api/v1/me", JsonContent("""{"language":"en"}"""))).EnsureSuccessStatusCode();

        var client = app.NewClient();
        var response = await PostSignInAsync(client, account.Owner.Email, MadoguchiApp.DefaultPassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookies = string.Join("\n", response.Headers.GetValues("Set-Cookie"));
        Assert.Contains("madoguchi_session=", cookies, StringComparison.Ordinal);
        Assert.Contains(".AspNetCore.Culture=c%3Den%7Cuic%3Den", cookies, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_AfterFirstRun_Refuses()
    {
        await using var app = await MadoguchiApp.StartAsync(DatabaseProvider.Sqlite);
        var html = await GetAsync(app, "/setup", "ja");
        Assert.Contains("data-testid=\"setup-refused\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("operator-email", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettingsPage_SignedOut_RedirectsToSignIn()
    {
        await using var app = await MadoguchiApp.StartAsync(DatabaseProvider.Sqlite);
        var response = await app.NewClient().GetAsync("/settings/users");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/signin", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string email, string password)
    {
        var form = await client.GetStringAsync("/signin");
        var token = AntiforgeryField().Match(form).Groups[1].Value;
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });
        return await client.PostAsync("/signin", content);
    }

    private static async Task<string> GetAsync(MadoguchiApp app, string path, string acceptLanguage)
    {
        var client = app.NewClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(acceptLanguage);
        return await client.GetStringAsync(path);
    }

    private static string AlertOf(string html) => WebUtility.HtmlDecode(AlertPattern().Match(html).Groups[1].Value);

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("role=\"alert\" data-testid=\"signin-error\">([^<]*)<")]
    private static partial Regex AlertPattern();
}
