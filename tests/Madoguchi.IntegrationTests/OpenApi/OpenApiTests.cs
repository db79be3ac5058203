using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.IntegrationTests.OpenApi;

public sealed partial class OpenApiTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OpenApiDocument_DescribesEveryApiEndpointWithoutSignIn(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);

        var response = await app.NewClient().GetAsync("/openapi/v1.json");

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = document.GetProperty("paths");
        var described = paths.EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name.TrimEnd('/')}"))
            .ToHashSet();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {Constraint().Replace(e.RoutePattern.RawText!, "}").TrimEnd('/')}"))
            .ToList();
        Assert.NotEmpty(endpoints);
        Assert.Equal([], endpoints.Except(described));
        Assert.DoesNotContain(described, d => d.EndsWith("/healthz", StringComparison.Ordinal) || d.EndsWith("/readyz", StringComparison.Ordinal));
    }

    [GeneratedRegex(":[a-z]+}")]
    private static partial Regex Constraint();
}
