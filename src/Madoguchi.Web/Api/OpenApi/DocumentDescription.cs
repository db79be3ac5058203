using Madoguchi.Web.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Madoguchi.Web.Api.OpenApi;

/// <summary>The document's own parts: what the API is, where it is (relative to the installation), how to authenticate
/// (the session cookie or a Bearer token), the shared problem schema and answers, and a description of every tag.</summary>
public sealed class DocumentDescription(IOptionsMonitor<CookieAuthenticationOptions> cookies) : IOpenApiDocumentTransformer
{
    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Session"] = "Sign in with email and password (the answer sets the session cookie) and sign out.",
        ["Invitations"] = "Invitation links: who one is for, and setting the password of an invited user.",
        ["Me"] = "The signed-in user: profile, UI language, password.",
        ["API tokens"] = "Personal API tokens (`mdg_u_…`) to use as `Authorization: Bearer`.",
        ["Users"] = "Users of the account (owners manage them): add, edit, lock and unlock, owner rights.",
        ["Inboxes"] = "Inboxes (受信箱) and the roles of users on them (権限設定).",
        ["Receiving"] = "受信設定: receive servers (IMAP/POP3) of an inbox, connection test, fetch now, receive status, missing mail.",
        ["Audit log"] = "監査ログ: who did what, for account owners.",
        ["Tickets"] = "Tickets with their messages, original .eml files and attachments.",
        ["Operator"] = "The operator (運営者) API: accounts of the installation and unlocking users.",
    };

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Madoguchi API",
            Version = "v1",
            Description = """
                REST API of Madoguchi (窓口), a self-hostable shared inbox for support teams. JSON in and out; every refusal is an
                RFC 9457 problem (`application/problem+json`) with a stable `code`. Collections answer `{"items": [...], "total": N}`
                and take `offset` and `limit`. Authenticate with the session cookie from `POST /api/v1/session` or with a personal
                API token (`Authorization: Bearer mdg_u_…`; operators `mdg_o_…`).
                """,
        };
        // Relative to the installation the document was fetched from: a generated client is given its base address.
        document.Servers = [new OpenApiServer { Url = "/", Description = "This Madoguchi installation." }];

        var components = document.Components ??= new OpenApiComponents();
        components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        components.SecuritySchemes[OperationSecurity.CookieScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = cookies.Get(SessionCookies.Scheme).Cookie.Name,
            Description = "The session cookie set by `POST /api/v1/session` (users) or `POST /api/v1/operator/session` (operators).",
        };
        components.SecuritySchemes[OperationSecurity.BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "mdg_u_… (personal API token) or mdg_o_… (operator token)",
            Description = "A personal API token created with `POST /api/v1/me/tokens`, or an operator token.",
        };

        components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        components.Schemas[ProblemResponses.SchemaName] = ProblemResponses.Schema();
        components.Responses ??= new Dictionary<string, IOpenApiResponse>();
        var operations = document.Paths.Values.SelectMany(p => p.Operations is { } all ? all.Values : Enumerable.Empty<OpenApiOperation>()).ToList();
        var answered = operations.SelectMany(o => o.Responses?.Keys ?? Enumerable.Empty<string>()).ToHashSet(StringComparer.Ordinal);
        foreach (var (status, (name, description)) in ProblemResponses.Known.Where(k => answered.Contains(k.Key.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            components.Responses[name] = ProblemResponses.Response(description, document);
        // Bodies read by hand are described by their declared type (DeclaredBodies); "any JSON" is then used nowhere.
        if (!operations.Any(o => o.RequestBody?.Content?.Values.Any(m => m.Schema is OpenApiSchemaReference { Reference.Id: "JsonElement" }) == true))
            components.Schemas.Remove("JsonElement");

        var used = operations.SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>()).Select(t => t.Name).OfType<string>().Distinct(StringComparer.Ordinal);
        document.Tags = new HashSet<OpenApiTag>(used.Order(StringComparer.Ordinal).Select(name => new OpenApiTag
        {
            Name = name,
            Description = TagDescriptions.TryGetValue(name, out var text) ? text : $"{name} endpoints.",
        }));
        return Task.CompletedTask;
    }
}
