using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Madoguchi.Core.Data;
using Madoguchi.Testing.App;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Madoguchi.IntegrationTests.OpenApi;

/// <summary>The rules that make the OpenAPI document usable for generating a client (what Redocly's recommended rules check
/// and more), so a regression fails here without npm. <see cref="OpenApiClientTests"/> generates and uses a real client.</summary>
public sealed partial class OpenApiContractTests(AppFixture apps) : IClassFixture<AppFixture>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OpenApiDocument_EveryOperationHasAUniqueCamelCaseOperationId(DatabaseProvider provider)
    {
        var document = await DocumentAsync(provider);

        var ids = Operations(document).Select(o => o.Operation.TryGetProperty("operationId", out var id) ? id.GetString() ?? "" : "").ToList();

        Assert.NotEmpty(ids);
        Assert.All(ids, id => Assert.Matches(CamelCase(), id));
        Assert.Equal([], ids.GroupBy(i => i, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Contains("getMe", ids);
        Assert.Contains("patchTicketsById", ids);
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OpenApiDocument_SignedInOperationsNameTheCookieAndBearerSchemes_AnonymousOnesNone(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var document = await DocumentAsync(provider);
        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        var cookie = schemes.GetProperty("sessionCookie");
        Assert.Equal("apiKey", cookie.GetProperty("type").GetString());
        Assert.Equal("cookie", cookie.GetProperty("in").GetString());
        var cookieName = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme).Cookie.Name;
        Assert.Equal(cookieName, cookie.GetProperty("name").GetString());
        Assert.Equal("http", schemes.GetProperty("bearerToken").GetProperty("type").GetString());
        Assert.Equal("bearer", schemes.GetProperty("bearerToken").GetProperty("scheme").GetString());

        var signedIn = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => (
                Key: $"{m.ToLowerInvariant()} {Constraint().Replace(e.RoutePattern.RawText!, "}").TrimEnd('/')}",
                Secured: e.Metadata.GetMetadata<IAuthorizeData>() is not null && e.Metadata.GetMetadata<IAllowAnonymous>() is null)))
            .ToDictionary(e => e.Key, e => e.Secured);
        var operations = Operations(document).ToList();
        Assert.Contains(operations, o => signedIn[o.Key]);
        Assert.Contains(operations, o => !signedIn[o.Key]);
        foreach (var (key, operation) in operations)
        {
            var security = operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(s => s.Name)).Order().ToList();
            Assert.True(signedIn[key] ? security.SequenceEqual(["bearerToken", "sessionCookie"]) : security.Count == 0, $"{key}: security [{string.Join(", ", security)}]");
        }
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OpenApiDocument_Documents4xxProblemAnswersWithTheProblemSchemaAndCode(DatabaseProvider provider)
    {
        var document = await DocumentAsync(provider);
        var problem = Resolve(document, document.GetProperty("components").GetProperty("schemas").GetProperty("ProblemDetails"));
        Assert.True(problem.GetProperty("properties").TryGetProperty("code", out _));

        foreach (var (key, operation) in Operations(document))
        {
            var responses = operation.GetProperty("responses").EnumerateObject().ToDictionary(r => r.Name, r => Resolve(document, r.Value));
            Assert.True(responses.Keys.Any(k => k.StartsWith('2')), $"{key} documents no 2xx answer");
            var secured = operation.GetProperty("security").GetArrayLength() > 0;
            var expected = new List<string>();
            if (secured)
                expected.AddRange(["401", "403"]);
            if (operation.TryGetProperty("parameters", out var parameters) && parameters.EnumerateArray().Any(p => p.GetProperty("in").GetString() == "path"))
                expected.Add("404");
            if (operation.TryGetProperty("requestBody", out _))
                expected.Add("400");
            Assert.True(expected.All(responses.ContainsKey), $"{key} documents [{string.Join(", ", responses.Keys)}], expected at least [{string.Join(", ", expected)}]");
            foreach (var (status, response) in responses.Where(r => r.Key.StartsWith('4')))
            {
                var schema = response.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema");
                Assert.True(schema.GetProperty("$ref").GetString() == "#/components/schemas/ProblemDetails", $"{key} {status} is not a ProblemDetails answer");
            }
        }
        var signIn = Operations(document).Single(o => o.Key == "post /api/v1/session").Operation.GetProperty("responses");
        Assert.True(signIn.TryGetProperty("401", out _) && signIn.TryGetProperty("423", out _) && signIn.TryGetProperty("429", out _));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OpenApiDocument_EveryRequestBodyHasARealSchema_IncludingBodiesReadByHand(DatabaseProvider provider)
    {
        var document = await DocumentAsync(provider);

        var bodies = Operations(document).Where(o => o.Operation.TryGetProperty("requestBody", out _)).ToList();

        Assert.NotEmpty(bodies);
        foreach (var (key, operation) in bodies)
        {
            foreach (var media in operation.GetProperty("requestBody").GetProperty("content").EnumerateObject())
            {
                var schema = Resolve(document, media.Value.GetProperty("schema"));
                Assert.True(schema.TryGetProperty("properties", out var properties) && properties.EnumerateObject().Any(), $"{key} {media.Name} body has no described properties");
            }
        }
        var receiveServer = Operations(document).Single(o => o.Key == "patch /api/v1/inboxes/{id}/receive-servers/{serverId}").Operation;
        var settings = Resolve(document, receiveServer.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));
        foreach (var field in new[] { "protocol", "host", "port", "security", "username", "password", "folders", "deleteAfterDays", "pollSeconds" })
            Assert.True(settings.GetProperty("properties").TryGetProperty(field, out _), field);
        Assert.False(settings.TryGetProperty("required", out _), "PATCH leaves out what stays as it is");
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OpenApiDocument_HasServerDescriptionAndDescribedTags(DatabaseProvider provider)
    {
        var document = await DocumentAsync(provider);

        Assert.Equal("/", document.GetProperty("servers")[0].GetProperty("url").GetString());
        Assert.False(string.IsNullOrWhiteSpace(document.GetProperty("info").GetProperty("description").GetString()));
        var tags = document.GetProperty("tags").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t.GetProperty("description").GetString());
        var used = Operations(document).SelectMany(o => o.Operation.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)).ToHashSet();
        Assert.Equal(used.Order(), tags.Keys.Order());
        Assert.All(tags.Values, d => Assert.False(string.IsNullOrWhiteSpace(d)));
    }

    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task OpenApiDocument_EnumsAreStringSchemas(DatabaseProvider provider)
    {
        var document = await DocumentAsync(provider);

        var enums = document.GetProperty("components").GetProperty("schemas").EnumerateObject().Where(s => s.Value.TryGetProperty("enum", out _)).ToList();

        Assert.Contains(enums, e => e.Name == "UserState");
        Assert.All(enums, e => Assert.Contains("string", e.Value.GetProperty("type").ToString(), StringComparison.Ordinal));
    }

    private async Task<JsonElement> DocumentAsync(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var response = await app.NewClient().GetAsync("/openapi/v1.json");
        await response.AssertStatusAsync(HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static IEnumerable<(string Key, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(m => Methods.Contains(m.Name))
            .Select(m => ($"{m.Name} {path.Name.TrimEnd('/')}", m.Value)));

    /// <summary>Follows a local <c>$ref</c> (#/components/…) to what it names.</summary>
    /// <summary>Follows references, and an optional body's "null or the schema" (oneOf/anyOf) to the schema.</summary>
    private static JsonElement Resolve(JsonElement document, JsonElement element)
    {
        while (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty("$ref", out var reference))
            {
                element = document;
                foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/'))
                    element = element.GetProperty(part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
            }
            else if ((element.TryGetProperty("oneOf", out var choices) || element.TryGetProperty("anyOf", out choices))
                && choices.EnumerateArray().Where(c => !IsNull(c)).ToList() is [var only])
            {
                element = only;
            }
            else
            {
                break;
            }
        }
        return element;
    }

    private static bool IsNull(JsonElement schema) => schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "null";

    [GeneratedRegex(":[a-z]+}")]
    private static partial Regex Constraint();

    [GeneratedRegex("^[a-z][A-Za-z0-9]*$")]
    private static partial Regex CamelCase();
}
