using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Madoguchi.Core.Status;
using Madoguchi.Core.Status.Summary;
using Madoguchi.Web.Hosting;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Options;

namespace Madoguchi.Web.Ui.Status;

/// <summary>The public status page <c>/status</c> and its two machine-readable forms, <c>/status.json</c> and
/// <c>/status/incidents.atom</c>. All three read the one shared <see cref="StatusSummaryCache"/> and keep their rendered bytes
/// per summary (and, for the page, per language), so a burst of visitors costs one database read and one rendering per
/// <c>CacheSeconds</c>. Every answer carries Cache-Control with a short max-age and an ETag, and answers 304 to a matching
/// If-None-Match. The page is rendered with the HtmlRenderer: plain static HTML, no circuit, no script, no antiforgery cookie.</summary>
public static class StatusPageEndpoints
{
    private static readonly ConditionalWeakTable<StatusSummary, ConcurrentDictionary<string, byte[]>> Rendered = [];

    public static WebApplication MapStatusPage(this WebApplication app)
    {
        app.MapGet("/status", (HttpContext context, StatusSummaryCache cache, IOptions<StatusPageOptions> options, CancellationToken ct) =>
                AnswerAsync(context, cache, options.Value, CultureInfo.CurrentUICulture.TwoLetterISOLanguageName, "text/html; charset=utf-8",
                    s => RenderPageAsync(context, s, options.Value), ct))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/status.json", (HttpContext context, StatusSummaryCache cache, IOptions<StatusPageOptions> options, PublicLinks links, CancellationToken ct) =>
                AnswerAsync(context, cache, options.Value, null, "application/json; charset=utf-8", s => Task.FromResult(StatusJson.Write(s, links.BaseUrl)), ct))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/status/incidents.atom", (HttpContext context, StatusSummaryCache cache, IOptions<StatusPageOptions> options, PublicLinks links, CancellationToken ct) =>
                AnswerAsync(context, cache, options.Value, null, "application/atom+xml; charset=utf-8", s => Task.FromResult(StatusAtom.Write(s, links.BaseUrl)), ct))
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> AnswerAsync(HttpContext context, StatusSummaryCache cache, StatusPageOptions options, string? language,
        string contentType, Func<StatusSummary, Task<byte[]>> render, CancellationToken ct)
    {
        var summary = await cache.GetAsync(ct);
        var headers = context.Response.Headers;
        headers.CacheControl = options.CacheSeconds > 0 ? $"public, max-age={options.CacheSeconds}" : "no-cache";
        var etag = language is null ? $"W/\"{summary.Version}\"" : $"W/\"{summary.Version}-{language}\"";
        headers.ETag = etag;
        if (language is null)
            headers.AccessControlAllowOrigin = "*";
        else
            headers.Vary = "Accept-Language, Cookie";
        if (context.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == etag || t.Trim() == "*")))
            return Results.StatusCode(StatusCodes.Status304NotModified);

        var key = contentType + "|" + language;
        var forSummary = Rendered.GetValue(summary, _ => new ConcurrentDictionary<string, byte[]>());
        if (!forSummary.TryGetValue(key, out var bytes))
        {
            bytes = await render(summary);
            forSummary.TryAdd(key, bytes);
        }
        return Results.Bytes(bytes, contentType);
    }

    private static async Task<byte[]> RenderPageAsync(HttpContext context, StatusSummary summary, StatusPageOptions options)
    {
        await using var renderer = new HtmlRenderer(context.RequestServices, context.RequestServices.GetRequiredService<ILoggerFactory>());
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(StatusDocument.Summary)] = summary,
                [nameof(StatusDocument.UptimeDays)] = options.UptimeDays,
                [nameof(StatusDocument.HttpContext)] = context,
            });
            var output = await renderer.RenderComponentAsync<StatusDocument>(parameters);
            return output.ToHtmlString();
        });
        return Encoding.UTF8.GetBytes(html);
    }
}
