using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Madoguchi.Web.Api.OpenApi;

/// <summary>Enums travel as camelCase strings (<c>JsonStringEnumConverter</c> in ApiSetup); their schemas say
/// <c>"type": "string"</c> (with null where the enum allows it), so generated clients read them as names, not numbers.</summary>
public sealed class EnumSchemas : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (!(Nullable.GetUnderlyingType(type) ?? type).IsEnum || schema.Enum is not { Count: > 0 } values || schema.Type is not null)
            return Task.CompletedTask;
        schema.Type = values.Any(v => v is null || v.GetValueKind() == System.Text.Json.JsonValueKind.Null)
            ? JsonSchemaType.String | JsonSchemaType.Null
            : JsonSchemaType.String;
        return Task.CompletedTask;
    }
}
