using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Madoguchi.Web.Api.OpenApi;

/// <summary>Operations that need a signed-in caller accept the session cookie or a Bearer token; anonymous operations
/// (sign-in, invitations) say so with an empty security list.</summary>
public sealed class OperationSecurity : IOpenApiOperationTransformer
{
    public const string CookieScheme = "sessionCookie";
    public const string BearerScheme = "bearerToken";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Security = RequiresSignIn(context.Description.ActionDescriptor.EndpointMetadata)
            ?
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CookieScheme, context.Document)] = [] },
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] },
            ]
            : [];
        return Task.CompletedTask;
    }

    public static bool RequiresSignIn(IList<object> metadata) =>
        metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
}
