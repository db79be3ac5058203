using System.Security.Claims;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Common;
using Madoguchi.Core.Operators;

namespace Madoguchi.Web.Authentication;

/// <summary>What a session or token carries: who (user or operator), which account, and the security stamp
/// that must still match the database for the session to stay valid.</summary>
public static class MadoguchiClaims
{
    public const string Kind = "madoguchi:kind";
    public const string AccountId = "madoguchi:account";
    public const string Stamp = "madoguchi:stamp";
    public const string UserKind = "user";
    public const string OperatorKind = "operator";

    public static ClaimsPrincipal ForUser(User user, string scheme) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
        new Claim(ClaimTypes.Name, user.Email),
        new Claim(Kind, UserKind),
        new Claim(AccountId, user.AccountId.ToString()),
        new Claim(Stamp, user.SecurityStamp),
    ], scheme));

    public static ClaimsPrincipal ForOperator(Operator op, string scheme) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, op.Id.ToString()),
        new Claim(ClaimTypes.Name, op.Email),
        new Claim(Kind, OperatorKind),
        new Claim(Stamp, op.SecurityStamp),
    ], scheme));

    public static bool IsUser(this ClaimsPrincipal principal) => principal.FindFirstValue(Kind) == UserKind;
    public static bool IsOperator(this ClaimsPrincipal principal) => principal.FindFirstValue(Kind) == OperatorKind;

    public static Guid? GetId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    /// <summary>The actor for Core commands. Call only on an authenticated principal.</summary>
    public static Actor ToActor(this ClaimsPrincipal principal, string? ipAddress)
    {
        var id = principal.GetId() ?? throw new InvalidOperationException("The principal has no id.");
        var email = principal.FindFirstValue(ClaimTypes.Name) ?? "";
        if (principal.IsOperator())
            return Actor.Operator(id, email, ipAddress);
        var account = Guid.Parse(principal.FindFirstValue(AccountId)!);
        return Actor.User(id, account, email, ipAddress);
    }

    public static Actor GetActor(this HttpContext context) => context.User.ToActor(context.Connection.RemoteIpAddress?.ToString());
}
