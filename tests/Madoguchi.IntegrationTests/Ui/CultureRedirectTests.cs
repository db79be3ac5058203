using System.Net;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;

namespace Madoguchi.IntegrationTests.Ui;

/// <summary>The language switch follows only paths of this site: anything else, including control characters that
/// LocalRedirect would refuse with an exception, redirects to the start page.</summary>
public sealed class CultureRedirectTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData("%2Fsettings%2Fpersonal", "/settings/personal")]
    [InlineData("%2Ftickets%0d%0aSet-Cookie:%20x=1", "/")]
    [InlineData("%2Ftickets%00", "/")]
    [InlineData("%2F%0a", "/")]
    [InlineData("%2F%7f", "/")]
    [InlineData("%2F%c2%85", "/")]
    [InlineData("https%3A%2F%2Fevil.example%2F", "/")]
    [InlineData("%2F%2Fevil.example%2F", "/")]
    [InlineData("%2F%5Cevil.example%2F", "/")]
    [InlineData("javascript:alert(1)", "/")]
    public async Task Culture_ReturnUrl_RedirectsOnlyToLocalPathsAndNeverFails(string returnUrl, string expected)
    {
        var app = await apps.GetAsync(DatabaseProvider.Sqlite);
        var client = app.NewClient();

        var response = await client.GetAsync($"/culture?language=en&returnUrl={returnUrl}");

        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(expected, response.Headers.Location?.OriginalString);
    }
}
