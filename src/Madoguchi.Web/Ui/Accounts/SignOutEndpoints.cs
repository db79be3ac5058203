using Madoguchi.Web.Authentication;
using Microsoft.AspNetCore.Antiforgery;

namespace Madoguchi.Web.Ui.Accounts;

public static class SignOutEndpoints
{
    /// <summary>POST /signout from the gear menu's form, back to the sign-in page. The antiforgery token is required:
    /// the middleware only records the check's outcome for endpoints that bind no form, so it is enforced here
    /// (a page elsewhere cannot sign a person out).</summary>
    public static void MapSignOutEndpoints(this WebApplication app) =>
        app.MapPost("/signout", async (HttpContext context) =>
        {
            if (context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
                return Results.BadRequest();
            var wasOperator = context.User.IsOperator();
            await context.SignOutAsync();
            return Results.LocalRedirect(wasOperator ? "/operator/signin" : "/signin");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();
}
