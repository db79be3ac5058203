using Madoguchi.Web.Authentication;
using Microsoft.AspNetCore.Antiforgery;

namespace Madoguchi.Web.Ui.Accounts;

public static class SignOutEndpoints
{
    /// <summary>POST /signout from the gear menu's form (antiforgery checked), back to the sign-in page.</summary>
    public static void MapSignOutEndpoints(this WebApplication app) =>
        app.MapPost("/signout", async (HttpContext context) =>
        {
            var wasOperator = context.User.IsOperator();
            await context.SignOutAsync();
            return Results.LocalRedirect(wasOperator ? "/operator/signin" : "/signin");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();
}
