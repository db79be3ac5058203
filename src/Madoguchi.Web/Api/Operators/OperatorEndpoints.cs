using Madoguchi.Core.Accounts.Lockout;
using Madoguchi.Core.Common;
using Madoguchi.Core.Operators;
using Madoguchi.Core.Operators.TwoFactor;
using Madoguchi.Web.Api.Accounts;
using Madoguchi.Web.Authentication;
using Madoguchi.Web.Hosting;

namespace Madoguchi.Web.Api.Operators;

/// <summary>An operator's sign-in: the password and, once enrolled, a code from the authenticator app or a recovery code.</summary>
public sealed record OperatorSignInRequest(string? Email, string? Password, string? Code);

public sealed record CreateOperatorTokenRequest(string? Name, DateTime? ExpiresAt);

public sealed record SuspendAccountRequest(string? Reason);

public sealed record OpenedAccountResponse(Guid AccountId, Core.Accounts.Users.UserView Owner, string InvitationUrl, DateTime InvitationExpiresAt);

public static class OperatorEndpoints
{
    public static readonly Error TotpRequired = new(ErrorKind.Unauthorized, "totp_required",
        "Give the 6-digit code from your authenticator app (or a recovery code) in \"code\".");

    public static readonly Error TotpInvalid = new(ErrorKind.Unauthorized, "totp_invalid",
        "The code is wrong or was already used. Wait for the next code of your authenticator app.");

    public static readonly Error EnrolmentRequired = new(ErrorKind.Forbidden, "totp_enrolment_required",
        "This operator has no two-factor authentication yet. Sign in once in the operator console (/operator/signin) to enrol an authenticator app.");

    public static readonly Error OperatorLocked = new(ErrorKind.Locked, "operator_locked",
        "This operator is locked. Unlock it on the server: operators unlock.");

    /// <summary>The operator API: sign in, accounts (list, open, suspend, resume, unlock users), own API tokens. Operator
    /// sessions and operator tokens only: a user's session or token gets 403, as operators get 403 on the users' API.</summary>
    public static void MapOperatorEndpoints(this RouteGroupBuilder api)
    {
        var operators = api.MapGroup("/operator").WithTags("Operator");
        operators.MapPost("/session", SignInAsync).RequireRateLimiting(SignInRateLimitOptions.PolicyName)
            .Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status423Locked)
            .WithSummary("Operator sign-in with email, password and the authenticator code (or a recovery code): 200 and the session cookie; "
                + "401 invalid_credentials, totp_required or totp_invalid; 403 totp_enrolment_required before enrolling in the console; "
                + "423 when locked (five wrong passwords or codes in a row).");

        var authorized = operators.MapGroup("").RequireAuthorization(AuthenticationSetup.OperatorPolicy);
        authorized.MapGet("/accounts", async (int? offset, int? limit, ListAccountsQuery query, HttpContext context, CancellationToken ct) =>
            ApiResults.TryPage(offset, limit, out var page, out var problem) ? (await query.HandleAsync(context.GetActor(), page, ct)).ToHttp() : problem!)
            .WithSummary("Every account with its owners, locked users, suspension and last activity.");
        authorized.MapPost("/accounts", async (OpenAccountRequest request, OpenAccountCommand command, PublicLinks links, HttpContext context, CancellationToken ct) =>
        {
            var result = await command.HandleAsync(context.GetActor(), request, ct);
            if (!result.Succeeded)
                return ApiResults.Problem(result.Error!);
            var opened = result.Value!;
            return TypedResults.Created($"/api/v1/operator/accounts/{opened.AccountId}",
                new OpenedAccountResponse(opened.AccountId, opened.Owner, links.Invitation(opened.InvitationToken), opened.InvitationExpiresAt));
        }).Produces<OpenedAccountResponse>(StatusCodes.Status201Created)
            .WithSummary("Open a new account with its first owner, who gets an invitation link (valid 7 days) to set a password.");
        authorized.MapPost("/accounts/{id:guid}/suspend", async (Guid id, SuspendAccountRequest request, SuspendAccountCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, request.Reason, ct)).ToHttp())
            .Produces<AccountState>()
            .WithSummary("Suspend an account with a reason its users are shown; their sessions and tokens stop working, its mail is still fetched.");
        authorized.MapPost("/accounts/{id:guid}/resume", async (Guid id, ResumeAccountCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .Produces<AccountState>()
            .WithSummary("End an account's suspension.");
        authorized.MapPost("/users/{id:guid}/unlock", async (Guid id, UnlockUserCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .WithSummary("Unlock any user, e.g. when every owner of an account is locked.");
        authorized.MapMonitoringAlertEndpoints();

        authorized.MapGet("/tokens", async (ListOperatorTokensQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), ct)).ToHttp())
            .Produces<IReadOnlyList<OperatorTokenView>>().WithSummary("Your operator API tokens (never their secrets).");
        authorized.MapPost("/tokens", async (CreateOperatorTokenRequest request, CreateOperatorTokenCommand command, HttpContext context, CancellationToken ct) =>
        {
            var result = await command.HandleAsync(context.GetActor(), null, request.Name, request.ExpiresAt, ct);
            return result.Succeeded
                ? TypedResults.Created($"/api/v1/operator/tokens/{result.Value!.Token.Id}", result.Value)
                : ApiResults.Problem(result.Error!);
        }).Produces<CreatedOperatorToken>(StatusCodes.Status201Created)
            .WithSummary("Make a named operator API token, optionally expiring; the secret is in this answer only.");
        authorized.MapDelete("/tokens/{id:guid}", async (Guid id, RevokeOperatorTokenCommand command, HttpContext context, CancellationToken ct) =>
        {
            var result = await command.HandleAsync(context.GetActor(), id, ct);
            return result.Succeeded ? TypedResults.NoContent() : ApiResults.Problem(result.Error!);
        }).WithSummary("Revoke one of your operator API tokens at once.");
    }

    private static async Task<IResult> SignInAsync(OperatorSignInRequest request, OperatorSignInCommand signIn, CompleteOperatorSignInCommand complete,
        HttpContext context, CancellationToken ct)
    {
        var ip = context.Connection.RemoteIpAddress?.ToString();
        var password = await signIn.HandleAsync(request.Email ?? "", request.Password ?? "", ip, ct);
        if (password.Outcome != SignInOutcome.Succeeded)
            return ApiResults.Problem(password.Outcome == SignInOutcome.Locked ? OperatorLocked : SessionEndpoints.InvalidCredentials);
        if (password.NextStep == OperatorNextStep.Enrol)
            return ApiResults.Problem(EnrolmentRequired);
        if (string.IsNullOrWhiteSpace(request.Code))
            return ApiResults.Problem(TotpRequired);
        var result = await complete.HandleAsync(password.Operator!.Id, password.Operator.SecurityStamp, request.Code, ip, ct);
        if (result.Outcome == SignInOutcome.Succeeded)
        {
            await context.SignInOperatorAsync(result.Operator!);
            return TypedResults.Ok(new { result.Operator!.Id, result.Operator.Email });
        }
        return ApiResults.Problem(result.Outcome == SignInOutcome.Locked ? OperatorLocked : TotpInvalid);
    }
}
