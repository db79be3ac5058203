using Madoguchi.Core.Accounts.Lockout;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Common;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.Accounts;

public sealed record SignInRequest(string? Email, string? Password);

public static class SessionEndpoints
{
    public static readonly Error InvalidCredentials = new(ErrorKind.Unauthorized, "invalid_credentials",
        "The email address or the password is wrong.");

    public static readonly Error UserLocked = new(ErrorKind.Locked, "user_locked",
        "This user is locked after too many wrong passwords. Ask an account owner to unlock it: gear menu → システム設定 → ユーザ → ロック中 → 元に戻す.");

    public static void MapSessionEndpoints(this RouteGroupBuilder api)
    {
        var session = api.MapGroup("/session").WithTags("Session");
        session.MapPost("", SignInAsync).RequireRateLimiting(SignInRateLimitOptions.PolicyName)
            .Produces<UserView>().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status423Locked)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .WithSummary("Sign in with email and password: 200 and the session cookie, 401 for wrong credentials, 423 when locked, 403 account_suspended (with the reason) when the account is suspended.");
        session.MapDelete("", async (HttpContext context) =>
        {
            await context.SignOutAsync();
            return TypedResults.NoContent();
        }).WithSummary("Sign out.");
    }

    private static async Task<IResult> SignInAsync(SignInRequest request, SignInCommand command, HttpContext context, CancellationToken ct)
    {
        var result = await command.HandleAsync(request.Email ?? "", request.Password ?? "", context.Connection.RemoteIpAddress?.ToString(), ct);
        switch (result.Outcome)
        {
            case SignInOutcome.Succeeded:
                await context.SignInUserAsync(result.User!);
                return TypedResults.Ok(UserView.From(result.User!));
            case SignInOutcome.Locked:
                return ApiResults.Problem(UserLocked);
            case SignInOutcome.AccountSuspended:
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.",
                    detail: $"This account is suspended by the people running this installation: {result.SuspensionReason}",
                    extensions: new Dictionary<string, object?> { ["code"] = "account_suspended", ["reason"] = result.SuspensionReason });
            default:
                return ApiResults.Problem(InvalidCredentials);
        }
    }
}
