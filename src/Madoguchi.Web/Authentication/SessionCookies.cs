using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Operators;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Madoguchi.Web.Authentication;

/// <summary>Issues and removes the session cookie; the API and the sign-in page both use it.</summary>
public static class SessionCookies
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;

    public static Task SignInUserAsync(this HttpContext context, User user) =>
        context.SignInAsync(Scheme, MadoguchiClaims.ForUser(user, Scheme), new AuthenticationProperties { IsPersistent = true });

    public static Task SignInOperatorAsync(this HttpContext context, Operator op) =>
        context.SignInAsync(Scheme, MadoguchiClaims.ForOperator(op, Scheme), new AuthenticationProperties { IsPersistent = false });

    public static Task SignOutAsync(this HttpContext context) => context.SignOutAsync(Scheme);
}
