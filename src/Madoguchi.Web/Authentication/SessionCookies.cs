using Madoguchi.Core.Accounts.Sessions;
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

    /// <summary>Ends the session on the server (<see cref="EndSessionCommand"/>), then removes the cookie.</summary>
    public static async Task SignOutAsync(this HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated == true && context.User.Identity.AuthenticationType == Scheme && context.User.GetId() is not null)
            await context.RequestServices.GetRequiredService<EndSessionCommand>().HandleAsync(context.GetActor(), context.RequestAborted);
        await context.SignOutAsync(Scheme);
    }
}
