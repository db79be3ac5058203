using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Madoguchi.Web.Api.OpenApi;

/// <summary>An endpoint that reads its JSON body by hand (a <see cref="JsonElement"/> parameter, e.g. to tell an explicit
/// null from a missing field) declares the body's shape with <c>.Accepts&lt;T&gt;("application/json")</c>; the document then
/// describes the body with that type's schema (a component named after the type) instead of "any JSON".</summary>
public sealed class DeclaredBodies : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (!context.Description.ParameterDescriptions.Any(p => p.Source.Id == "Body" && p.Type == typeof(JsonElement)))
            return;
        var declared = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAcceptsMetadata>()
            .LastOrDefault(a => a.RequestType is not null && a.RequestType != typeof(JsonElement))?.RequestType;
        if (declared is null || operation.RequestBody?.Content is not { } content || context.Document is not { } document)
            return;
        var components = document.Components ??= new OpenApiComponents();
        components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!components.Schemas.ContainsKey(declared.Name))
            components.Schemas[declared.Name] = await context.GetOrCreateSchemaAsync(declared, null, cancellationToken);
        foreach (var type in content.Keys.ToList())
            content[type] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(declared.Name, document) };
    }
}
