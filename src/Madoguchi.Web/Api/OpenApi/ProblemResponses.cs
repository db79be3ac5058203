using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace Madoguchi.Web.Api.OpenApi;

/// <summary>Documents the RFC 9457 problem answers (<c>application/problem+json</c> with a stable <c>code</c>) each operation
/// can give, from what the endpoint is: 400 when it reads a body or query parameters, 401 and 403 when it needs a signed-in
/// caller, 404 when its route names something, 409 for changes by a signed-in caller, 429 when it is rate limited. An endpoint
/// adds others with <c>.ProducesProblem(status)</c> (e.g. 423 for sign-in); every 4xx answer refers to the shared schema.</summary>
public sealed class ProblemResponses : IOpenApiOperationTransformer
{
    public const string SchemaName = "ProblemDetails";

    /// <summary>The shared response components, by status: name and description.</summary>
    public static readonly IReadOnlyDictionary<int, (string Name, string Description)> Known = new Dictionary<int, (string, string)>
    {
        [400] = ("BadRequest", "The request is not valid; `code` says which rule it breaks."),
        [401] = ("Unauthorized", "Sign-in required, or the email address or password is wrong."),
        [403] = ("Forbidden", "Signed in but not allowed (role, or a cookie call without a same-origin proof)."),
        [404] = ("NotFound", "Not found, or not visible to the caller."),
        [409] = ("Conflict", "The change conflicts with the current state (e.g. the last owner, a taken address)."),
        [422] = ("UnprocessableEntity", "The request is well formed but cannot be processed."),
        [423] = ("Locked", "The user or operator is locked after too many wrong passwords."),
        [429] = ("TooManyRequests", "Too many attempts from this address; retry after the Retry-After seconds."),
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var statuses = new SortedSet<int>();
        if (description.ParameterDescriptions.Any(p => p.Source.Id is "Body" or "Query") || operation.RequestBody is not null)
            statuses.Add(400);
        if (OperationSecurity.RequiresSignIn(metadata))
        {
            statuses.Add(401);
            statuses.Add(403);
            if (!HttpMethods.IsGet(description.HttpMethod ?? ""))
                statuses.Add(409);
        }
        if (description.ParameterDescriptions.Any(p => p.Source.Id == "Path"))
            statuses.Add(404);
        if (metadata.OfType<EnableRateLimitingAttribute>().Any())
            statuses.Add(429);
        operation.Responses ??= [];
        foreach (var status in operation.Responses.Keys.Where(k => k.Length == 3 && k[0] == '4' && int.TryParse(k, out _)).Select(int.Parse).ToList())
            statuses.Add(status);
        foreach (var status in statuses)
        {
            operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Known.TryGetValue(status, out var known)
                ? new OpenApiResponseReference(known.Name, context.Document)
                : Response($"Problem {status}.", context.Document);
        }
        return Task.CompletedTask;
    }

    /// <summary>A problem answer whose body is the shared problem schema.</summary>
    public static OpenApiResponse Response(string description, OpenApiDocument? document) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(SchemaName, document) },
        },
    };

    /// <summary>RFC 9457 problem details with Madoguchi's stable <c>code</c>.</summary>
    public static OpenApiSchema Schema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details. `code` is stable and meant for programs; `title` and `detail` are for people.",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "A URI reference that identifies the problem type." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "A short summary of the problem type." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32", Description = "The HTTP status code." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "What happened and what to change, for people." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "A URI reference for this occurrence." },
            ["code"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "Stable machine-readable code, e.g. `invalid_credentials`, `user_locked`, `not_found`." },
        },
    };
}
