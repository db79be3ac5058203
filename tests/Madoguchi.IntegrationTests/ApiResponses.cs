using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Madoguchi.Testing.App;

namespace Madoguchi.IntegrationTests;

/// <summary>One page of a collection as the API answers it.</summary>
public sealed record PageBody<T>(IReadOnlyList<T> Items, int Total);

/// <summary>Reading answers the way a client would: JSON bodies and RFC 9457 problems with their stable <c>code</c>.</summary>
public static class ApiResponses
{
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        await response.AssertStatusAsync(expected);
        return (await response.Content.ReadFromJsonAsync<T>(MadoguchiJson.Options))!;
    }

    public static async Task AssertStatusAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} answered {(int)response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Asserts a problem-details answer with this status and returns its body.</summary>
    public static async Task<JsonElement> ReadProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        await response.AssertStatusAsync(expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        return problem;
    }

    /// <summary>Asserts a problem-details answer with this status and stable code.</summary>
    public static async Task AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode expected, string code)
    {
        var problem = await response.ReadProblemAsync(expected);
        Assert.Equal(code, problem.GetProperty("code").GetString());
    }

    public static Task<HttpResponseMessage> PatchAsJsonAsync<T>(this HttpClient client, string uri, T body) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, uri) { Content = JsonContent.Create(body) });
}
