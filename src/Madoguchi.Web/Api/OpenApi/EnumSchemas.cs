using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Madoguchi.Web.Api.OpenApi;

/// <summary>Enums travel as camelCase strings (<c>JsonStringEnumConverter</c> in ApiSetup); their schemas say
/// <c>"type": "string"</c>, so generated clients read them as names, not numbers.</summary>
public sealed class EnumSchemas : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (!(Nullable.GetUnderlyingType(type) ?? type).IsEnum || schema.Enum is not { Count: > 0 } values || schema.Type is not null)
            return Task.CompletedTask;
        // A nullable use is wrapped as oneOf [null, enum] where it occurs; the enum itself lists names only.
        schema.Enum = [.. values.Where(v => v is not null && v.GetValueKind() != System.Text.Json.JsonValueKind.Null)];
        schema.Type = JsonSchemaType.String;
        return Task.CompletedTask;
    }
}
