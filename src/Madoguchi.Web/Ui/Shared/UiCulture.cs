using Madoguchi.Core.Accounts.Users;
using Madoguchi.Web.Authentication;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Madoguchi.Web.Ui.Shared;

/// <summary>The UI speaks Japanese or English: the user's saved language (kept in the culture cookie, written at
/// sign-in and in 個人設定) wins, then the browser's Accept-Language, then English.</summary>
public static class UiCulture
{
    public static readonly string[] Supported = ["ja", "en"];

    public static void ConfigureRequestLocalization(RequestLocalizationOptions options)
    {
        options.SetDefaultCulture("en").AddSupportedCultures(Supported).AddSupportedUICultures(Supported);
        options.FallBackToParentCultures = true;
        options.FallBackToParentUICultures = true;
        // Cookie first, then the browser; the query string is not a way in.
        options.RequestCultureProviders =
        [
            new CookieRequestCultureProvider(),
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
    }

    /// <summary>Writes the user's saved language into the culture cookie, or removes it so the browser decides.</summary>
    public static void Remember(HttpContext context, string? language)
    {
        if (language is null || !Supported.Contains(language))
        {
            context.Response.Cookies.Delete(CookieRequestCultureProvider.DefaultCookieName);
            return;
        }
        context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(language)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
    }

    /// <summary>POST /culture (form fields language, returnUrl; antiforgery checked) from 個人設定: saves the signed-in
    /// user's language, writes the culture cookie (an interactive page cannot) and reloads in the new language.
    /// A POST, not a GET: a link in a mail must not be able to change anything for the person who clicks it.</summary>
    public static void MapCultureEndpoint(this WebApplication app) =>
        app.MapPost("/culture", async ([FromForm] string? language, [FromForm] string? returnUrl, HttpContext context, SetOwnLanguageCommand command, CancellationToken ct) =>
        {
            language = string.IsNullOrEmpty(language) ? null : language;
            if (language is not null && !Supported.Contains(language))
                return Results.LocalRedirect(LocalUrl(returnUrl));
            if (context.User.IsUser())
            {
                var saved = await command.HandleAsync(context.GetActor(), language, ct);
                if (!saved.Succeeded)
                    return Results.LocalRedirect(LocalUrl(returnUrl));
            }
            Remember(context, language);
            return Results.LocalRedirect(LocalUrl(returnUrl));
        }).WithMetadata(new RequireAntiforgeryTokenAttribute()).ExcludeFromDescription();

    /// <summary>Only paths of this site are followed after sign-in or a language change. Anything else (absolute or
    /// scheme-relative URLs, and control characters such as CR, LF or NUL, which <c>LocalRedirect</c> refuses with an
    /// exception) goes to <c>/</c>.</summary>
    public static string LocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            && !url.Any(char.IsControl)
            ? url
            : "/";
}
