using System.Security.Claims;
using Madoguchi.Core.Operators;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Madoguchi.Web.Authentication;

/// <summary>Between an operator's right password and their code: a short-lived cookie of its own (10 minutes, only sent to
/// <c>/operator/signin</c>) naming the operator, the security stamp the password step saw, and the step still to do
/// (enter a code, or enrol). It grants nothing: every operator page and endpoint needs the real session cookie.</summary>
public static class OperatorTwoFactorCookie
{
    public const string Scheme = "OperatorTwoFactor";
    public const string Path = "/operator/signin";
    private const string StepClaim = "madoguchi:operator-next-step";

    public sealed record Pending(Guid OperatorId, string SecurityStamp, OperatorNextStep Step);

    public static void Configure(CookieAuthenticationOptions o)
    {
        o.Cookie.Name = "madoguchi_operator_2fa";
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Strict;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.Cookie.Path = Path;
        o.ExpireTimeSpan = TimeSpan.FromMinutes(10);
        o.SlidingExpiration = false;
    }

    public static Task BeginAsync(this HttpContext context, Operator op, OperatorNextStep step) =>
        context.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, op.Id.ToString()),
            new Claim(MadoguchiClaims.Stamp, op.SecurityStamp),
            new Claim(StepClaim, step.ToString()),
        ], Scheme)), new AuthenticationProperties { IsPersistent = false });

    public static async Task<Pending?> ReadPendingAsync(this HttpContext context)
    {
        var result = await context.AuthenticateAsync(Scheme);
        if (!result.Succeeded)
            return null;
        var principal = result.Principal;
        var id = principal.GetId();
        var stamp = principal.FindFirstValue(MadoguchiClaims.Stamp);
        return id is { } found && stamp is not null && Enum.TryParse<OperatorNextStep>(principal.FindFirstValue(StepClaim), out var step)
            ? new Pending(found, stamp, step)
            : null;
    }

    public static Task EndPendingAsync(this HttpContext context) => context.SignOutAsync(Scheme);
}
