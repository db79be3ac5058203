namespace Madoguchi.Web.Api.OpenApi;

/// <summary>The OpenAPI document at /openapi/v1.json, complete enough to generate a client from: every operation has an
/// operationId, its security and the problem answers it can give; shared parts (security schemes, the problem schema,
/// tags) live in the components. Endpoints need no OpenAPI code of their own beyond a summary.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddMadoguchiOpenApi(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.AddOperationTransformer<OperationIds>();
        o.AddOperationTransformer<DeclaredBodies>();
        o.AddOperationTransformer<OperationSecurity>();
        o.AddOperationTransformer<ProblemResponses>();
        o.AddDocumentTransformer<DocumentDescription>();
        o.AddSchemaTransformer<EnumSchemas>();
    });
}
