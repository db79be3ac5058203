using System.Text.Json.Serialization;
using Madoguchi.Core.Accounts;
using Madoguchi.Core.Accounts.Passwords;
using Madoguchi.Core.Accounts.Tokens;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.Accounts;

/// <summary>PATCH /me: only the fields present change. <c>language</c> "ja", "en" or null (follow the browser);
/// <c>timeZone</c> an IANA id such as "Asia/Tokyo", or null to follow the account's.</summary>
public sealed class UpdateMeRequest
{
    public string? Language
    {
        get;
        set
        {
            field = value;
            HasLanguage = true;
        }
    }

    public string? TimeZone
    {
        get;
        set
        {
            field = value;
            HasTimeZone = true;
        }
    }

    [JsonIgnore]
    public bool HasLanguage { get; private set; }

    [JsonIgnore]
    public bool HasTimeZone { get; private set; }
}

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);
public sealed record CreateTokenRequest(string? Name);

public static class MeEndpoints
{
    public static void MapMeEndpoints(this RouteGroupBuilder api)
    {
        var me = api.MapGroup("/me").WithTags("Me");
        me.MapGet("", async (GetUserQuery query, HttpContext context, CancellationToken ct) =>
        {
            var actor = context.GetActor();
            return (await query.HandleAsync(actor, actor.Id, ct)).ToHttp();
        }).Produces<UserView>().WithSummary("The signed-in user.");
        me.MapPatch("", UpdateMeAsync).WithSummary("Change your own UI language and/or time zone (only the fields present change).");
        me.MapPost("/password", ChangePasswordAsync).WithSummary("Change your own password; your other sessions end.");

        var tokens = me.MapGroup("/tokens").WithTags("API tokens");
        tokens.MapGet("", async (int? offset, int? limit, ListApiTokensQuery query, HttpContext context, CancellationToken ct) =>
            ApiResults.TryPage(offset, limit, out var page, out var problem) ? (await query.HandleAsync(context.GetActor(), page, ct)).ToHttp() : problem!)
            .WithSummary("Your personal API tokens (the secrets are never shown again).");
        tokens.MapPost("", async (CreateTokenRequest request, CreateApiTokenCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), request.Name ?? "", ct)).ToHttp()).WithSummary("Create a personal API token; the answer holds its secret once.");
        tokens.MapDelete("/{id:guid}", async (Guid id, RevokeApiTokenCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp()).WithSummary("Revoke one of your tokens.");
    }

    private static async Task<IResult> UpdateMeAsync(UpdateMeRequest request, SetOwnLanguageCommand language, SetOwnTimeZoneCommand timeZone,
        GetUserQuery get, HttpContext context, CancellationToken ct)
    {
        var actor = context.GetActor();
        if (request.HasTimeZone && !string.IsNullOrWhiteSpace(request.TimeZone) && TimeZones.Check(request.TimeZone.Trim()) is { } invalid)
            return ApiResults.Problem(invalid);
        if (request.HasLanguage && await language.HandleAsync(actor, request.Language, ct) is { Succeeded: false } failed)
            return ApiResults.Problem(failed.Error!);
        if (request.HasTimeZone)
            return (await timeZone.HandleAsync(actor, request.TimeZone, ct)).ToHttp();
        return (await get.HandleAsync(actor, actor.Id, ct)).ToHttp();
    }

    private static async Task<IResult> ChangePasswordAsync(ChangePasswordRequest request, ChangePasswordCommand command, HttpContext context, CancellationToken ct)
    {
        var result = await command.HandleAsync(context.GetActor(), request.CurrentPassword ?? "", request.NewPassword ?? "", ct);
        if (!result.Succeeded)
            return ApiResults.Problem(result.Error!);
        // The stamp changed, which ends every session; keep this one.
        if (context.User.Identity?.AuthenticationType == SessionCookies.Scheme)
            await context.SignInUserAsync(result.Value!);
        return TypedResults.NoContent();
    }
}
