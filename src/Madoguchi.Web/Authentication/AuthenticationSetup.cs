using System.Threading.RateLimiting;
using Madoguchi.Web.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Madoguchi.Web.Authentication;

public static class AuthenticationSetup
{
    public const string UserPolicy = "user";
    public const string OperatorPolicy = "operator";
    private const string SelectorScheme = "Madoguchi";

    /// <summary>Cookie sessions for browsers, Bearer tokens for scripts, one policy each for users and operators,
    /// and per-IP rate limiting of sign-in attempts.</summary>
    public static WebApplicationBuilder AddMadoguchiAuthentication(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<SessionValidator>();
        services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, SelectorScheme, o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : SessionCookies.Scheme)
            .AddCookie(SessionCookies.Scheme, ConfigureCookie)
            .AddCookie(OperatorTwoFactorCookie.Scheme, OperatorTwoFactorCookie.Configure)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(UserPolicy, p => p.RequireAuthenticatedUser().RequireClaim(MadoguchiClaims.Kind, MadoguchiClaims.UserKind))
            .AddPolicy(OperatorPolicy, p => p.RequireAuthenticatedUser().RequireClaim(MadoguchiClaims.Kind, MadoguchiClaims.OperatorKind));
        services.AddCascadingAuthenticationState();
        services.AddAntiforgery();

        services.AddOptions<SignInRateLimitOptions>().BindConfiguration(SignInRateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(SignInRateLimitOptions.PolicyName, context =>
            {
                // The sign-in pages carry this policy too; showing the form is free, only attempts (POST) count.
                if (!HttpMethods.IsPost(context.Request.Method))
                    return RateLimitPartition.GetNoLimiter("not-an-attempt");
                var permits = context.RequestServices.GetRequiredService<IOptions<SignInRateLimitOptions>>().Value.PermitsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            o.OnRejected = (context, ct) => new ValueTask(context.HttpContext.Request.Path.StartsWithSegments("/api")
                ? ApiResults.TooManySignInAttempts(context.HttpContext, ct)
                : TooManySignInAttemptsPage(context.HttpContext, ct));
        });
        return builder;
    }

    /// <summary>The sign-in pages answer a plain page in both languages: the request culture is not known yet here.</summary>
    private static async Task TooManySignInAttemptsPage(HttpContext context, CancellationToken ct)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = "60";
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(TooManyAttemptsHtml, ct);
    }

    private const string TooManyAttemptsHtml = """
        <!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>429</title></head><body>
        <p role="alert">ログインの試行が多すぎます。1分ほど待ってから、もう一度お試しください。</p>
        <p lang="en">Too many sign-in attempts from this address. Wait a minute and try again.</p>
        <p><a href="/signin">ログイン / Sign in</a></p></body></html>
        """;

    private static void ConfigureCookie(CookieAuthenticationOptions o)
    {
        o.Cookie.Name = "madoguchi_session";
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Lax;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.ExpireTimeSpan = TimeSpan.FromDays(14);
        o.SlidingExpiration = true;
        o.LoginPath = "/signin";
        o.AccessDeniedPath = "/forbidden";
        o.Events = new CookieAuthenticationEvents
        {
            OnValidatePrincipal = async context =>
            {
                var validator = context.HttpContext.RequestServices.GetRequiredService<SessionValidator>();
                if (!await validator.IsStillValidAsync(context.Principal!, context.HttpContext.RequestAborted))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(SessionCookies.Scheme);
                }
            },
            // The API answers with status codes; only pages redirect to the sign-in page.
            OnRedirectToLogin = context => ApiOrRedirect(context, StatusCodes.Status401Unauthorized),
            OnRedirectToAccessDenied = context => ApiOrRedirect(context, StatusCodes.Status403Forbidden),
        };
    }

    private static Task ApiOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
