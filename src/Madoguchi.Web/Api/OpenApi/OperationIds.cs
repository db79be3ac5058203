using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Madoguchi.Web.Api.OpenApi;

/// <summary>Gives every operation a stable camelCase operationId: the endpoint's name when it has one (<c>.WithName</c>),
/// else the HTTP method followed by the route's words after <c>/api/v1</c>, and <c>By{Parameter}</c> when the route ends in a
/// parameter: <c>GET /api/v1/inboxes</c> → <c>getInboxes</c>, <c>PATCH /api/v1/tickets/{id}</c> → <c>patchTicketsById</c>,
/// <c>POST /api/v1/inboxes/{id}/receive-servers/{serverId}/test</c> → <c>postInboxesReceiveServersTest</c>.</summary>
public sealed partial class OperationIds : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(operation.OperationId))
            operation.OperationId = For(context.Description.HttpMethod ?? "get", context.Description.RelativePath ?? "");
        return Task.CompletedTask;
    }

    /// <summary>The operationId of an operation without a name of its own.</summary>
    public static string For(string method, string route)
    {
        var segments = route.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (segments is ["api", _, ..] && VersionSegment().IsMatch(segments[1]))
            segments.RemoveRange(0, 2);
        var id = new StringBuilder(method.ToLowerInvariant());
        foreach (var segment in segments.Where(s => !s.StartsWith('{')))
            id.Append(Pascal(segment));
        if (segments.Count > 0 && segments[^1].StartsWith('{'))
            id.Append("By").Append(Pascal(segments[^1].Trim('{', '}').Split(':', '=', '?')[0]));
        return id.ToString();
    }

    private static string Pascal(string words) => string.Concat(
        Separator().Split(words).Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    [GeneratedRegex("^v[0-9]+$")]
    private static partial Regex VersionSegment();

    [GeneratedRegex("[^A-Za-z0-9]+")]
    private static partial Regex Separator();
}
