using Madoguchi.Core.Accounts.Lockout;
using Madoguchi.Core.Operators;
using Madoguchi.Web.Api.Accounts;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.Operators;

public static class OperatorEndpoints
{
    /// <summary>The minimal operator API: sign in, see accounts with their owners and locked users, unlock anyone.</summary>
    public static void MapOperatorEndpoints(this RouteGroupBuilder api)
    {
        var operators = api.MapGroup("/operator").WithTags("Operator");
        operators.MapPost("/session", async (SignInRequest request, OperatorSignInCommand command, HttpContext context, CancellationToken ct) =>
        {
            var result = await command.HandleAsync(request.Email ?? "", request.Password ?? "", context.Connection.RemoteIpAddress?.ToString(), ct);
            if (result.Outcome == SignInOutcome.Succeeded)
            {
                await context.SignInOperatorAsync(result.Operator!);
                return TypedResults.Ok(new { result.Operator!.Id, result.Operator.Email });
            }
            return result.Outcome == SignInOutcome.Locked
                ? ApiResults.Problem(new(Core.Common.ErrorKind.Locked, "operator_locked", "This operator is locked. Unlock it on the server: operators unlock."))
                : ApiResults.Problem(SessionEndpoints.InvalidCredentials);
        }).RequireRateLimiting(SignInRateLimitOptions.PolicyName)
            .Produces(StatusCodes.Status200OK).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status423Locked)
            .WithSummary("Operator sign-in with email and password: 200 and the session cookie, 401 for wrong credentials, 423 when locked.");

        var authorized = operators.MapGroup("").RequireAuthorization(AuthenticationSetup.OperatorPolicy);
        authorized.MapGet("/accounts", async (int? offset, int? limit, ListAccountsQuery query, HttpContext context, CancellationToken ct) =>
            ApiResults.TryPage(offset, limit, out var page, out var problem) ? (await query.HandleAsync(context.GetActor(), page, ct)).ToHttp() : problem!)
            .WithSummary("Every account with its owners and locked users.");
        authorized.MapPost("/users/{id:guid}/unlock", async (Guid id, UnlockUserCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .WithSummary("Unlock any user, e.g. when every owner of an account is locked.");
        authorized.MapMonitoringAlertEndpoints();
    }
}
