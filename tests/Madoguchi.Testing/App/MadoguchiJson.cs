using System.Text.Json;
using System.Text.Json.Serialization;

namespace Madoguchi.Testing.App;

/// <summary>The API's JSON conventions (camelCase, enums as camelCase strings) for reading answers in tests.</summary>
public static class MadoguchiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
