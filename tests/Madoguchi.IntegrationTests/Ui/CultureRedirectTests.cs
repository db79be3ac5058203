using System.Net;
using System.Text.RegularExpressions;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;

namespace Madoguchi.IntegrationTests.Ui;

/// <summary>The language switch (a POST with its antiforgery token) follows only paths of this site: anything else,
/// including control characters that LocalRedirect would refuse with an exception, redirects to the start page.</summary>
public sealed partial class CultureRedirectTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData("/settings/personal", "/settings/personal")]
    [InlineData("/tickets\r\nSet-Cookie: x=1", "/")]
    [InlineData("/\n", "/")]
    [InlineData("/\u007f", "/")]
    [InlineData("/\u0085", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("javascript:alert(1)", "/")]
    public async Task Culture_ReturnUrl_RedirectsOnlyToLocalPathsAndNeverFails(string returnUrl, string expected)
    {
        var app = await apps.GetAsync(DatabaseProvider.Sqlite);
        var client = app.NewClient();
        // An anonymous visitor's token from the sign-in form; the cookie it pairs with stays in the client.
        var token = AntiforgeryField().Match(await client.GetStringAsync("/signin")).Groups[1].Value;

        var response = await client.PostAsync("/culture", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["language"] = "en",
            ["returnUrl"] = returnUrl,
        }));

        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
    }

    /// <summary>A NUL in a form field is refused by ASP.NET's form reader before the endpoint runs: a 400, never a 500,
    /// and nothing is saved.</summary>
    [Fact]
    public async Task Culture_ReturnUrlWithNul_IsRefusedWithoutAServerError()
    {
        var app = await apps.GetAsync(DatabaseProvider.Sqlite);
        var client = app.NewClient();
        var token = AntiforgeryField().Match(await client.GetStringAsync("/signin")).Groups[1].Value;

        var response = await client.PostAsync("/culture", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["language"] = "en",
            ["returnUrl"] = "/tickets\0",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.Contains("Culture", StringComparison.Ordinal)));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
