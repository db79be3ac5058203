namespace Madoguchi.Web.Authentication;

/// <summary>Cookie-authenticated API calls that change state (POST, PUT, PATCH, DELETE under /api) must prove they come
/// from Madoguchi's own pages: the browser's <c>Sec-Fetch-Site</c> says same-origin (or none: typed by the person), or
/// <c>Origin</c> is this site (the request's own origin or <c>Madoguchi:PublicBaseUrl</c>), or the request carries the
/// <c>X-Requested-With</c> header, which no other site can add without a CORS permission Madoguchi never grants.
/// Otherwise 403 <c>cross_origin_refused</c>. Bearer-token calls carry no ambient credential and are not checked.</summary>
public static class SameOriginApiGuard
{
    public const string Code = "cross_origin_refused";
    public const string RequestedWithHeader = "X-Requested-With";

    public static IApplicationBuilder UseSameOriginApiGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (NeedsProof(context) && !HasProof(context))
        {
            await TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                detail: "A request that changes data with the session cookie must come from Madoguchi's own pages. Scripts use an API token (Authorization: Bearer), or send the X-Requested-With header.",
                extensions: new Dictionary<string, object?> { ["code"] = Code }).ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    private static bool NeedsProof(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api")
        && !(HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method) || HttpMethods.IsTrace(context.Request.Method))
        && context.User.Identity is { IsAuthenticated: true, AuthenticationType: SessionCookies.Scheme };

    private static bool HasProof(HttpContext context)
    {
        var headers = context.Request.Headers;
        var site = headers["Sec-Fetch-Site"].ToString();
        if (site.Equals("same-origin", StringComparison.OrdinalIgnoreCase) || site.Equals("none", StringComparison.OrdinalIgnoreCase))
            return true;
        if (!string.IsNullOrEmpty(headers[RequestedWithHeader].ToString()))
            return true;
        var origin = headers.Origin.ToString();
        if (string.IsNullOrEmpty(origin) || !Uri.TryCreate(origin, UriKind.Absolute, out var given))
            return false;
        var own = new Uri($"{context.Request.Scheme}://{context.Request.Host}");
        if (SameOrigin(given, own))
            return true;
        var publicBase = context.RequestServices.GetRequiredService<IConfiguration>()["Madoguchi:PublicBaseUrl"];
        return Uri.TryCreate(publicBase, UriKind.Absolute, out var configured) && SameOrigin(given, configured);
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;
}
