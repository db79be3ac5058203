namespace Madoguchi.Web.Hosting;

/// <summary>Bound from <c>Madoguchi:Https</c>.</summary>
public sealed class HttpsOptions
{
    public const string SectionName = "Madoguchi:Https";

    /// <summary>Send Strict-Transport-Security on https answers. Turn on only once the site is reached by https alone.</summary>
    public bool Hsts { get; set; }

    /// <summary>max-age of the HSTS header, in days.</summary>
    public int HstsMaxAgeDays { get; set; } = 365;
}

/// <summary>Headers on every answer (pages, API, files), unless an endpoint set a stricter policy of its own (the
/// attachment download sets its own Content-Security-Policy, which is kept).</summary>
public static class SecurityHeaders
{
    /// <summary>What Blazor Server and MudBlazor need, and no more: scripts only from this site (blazor.web.js and
    /// MudBlazor.min.js are files; Blazor Server needs no eval), inline styles (MudBlazor sets style attributes and
    /// Blazor's reconnect dialog adds a style element), the circuit's WebSocket to this site ('self' covers ws/wss to
    /// the same host in CSP Level 3), the message iframe (srcdoc) from this site, nothing framing us, no plug-ins, no
    /// &lt;base&gt; or form target elsewhere. img-src also allows http(s) images: the message iframe is a srcdoc
    /// document, which inherits this policy, and must be able to show remote images once the reader allows them; its
    /// own policy still forbids them until then, and the sanitizer removes them from the HTML.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
        + "img-src 'self' data: blob: https: http:; font-src 'self' data:; frame-src 'self'; frame-ancestors 'self'; "
        + "object-src 'none'; base-uri 'self'; form-action 'self'";

    public static WebApplicationBuilder AddSecurityHeaders(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<HttpsOptions>().Bind(builder.Configuration.GetSection(HttpsOptions.SectionName))
            .Validate(o => o.HstsMaxAgeDays is > 0 and <= 3650, "Madoguchi:Https:HstsMaxAgeDays must be between 1 and 3650.")
            .ValidateOnStart();
        return builder;
    }

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        var https = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HttpsOptions>>().Value;
        var hsts = $"max-age={https.HstsMaxAgeDays * 86_400}; includeSubDomains";
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                // An endpoint's own full policy (attachments: default-src 'none') is stricter and stays; Blazor's lone
                // "frame-ancestors 'self'" on interactive pages is replaced by the whole policy, which includes it.
                if (!headers.ContentSecurityPolicy.ToString().Contains("default-src", StringComparison.Ordinal))
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                // Mail links must not tell the sender's site which ticket they were clicked in.
                headers["Referrer-Policy"] = "no-referrer";
                headers.XContentTypeOptions = "nosniff";
                if (https.Hsts && context.Request.IsHttps)
                    headers.StrictTransportSecurity = hsts;
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
