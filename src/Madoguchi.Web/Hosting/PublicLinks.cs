using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Madoguchi.Web.Hosting;

/// <summary>Bound from <c>Madoguchi</c>: <c>Madoguchi:PublicBaseUrl</c> (env <c>MADOGUCHI_PUBLICBASEURL</c>).</summary>
public sealed class PublicBaseUrlOptions
{
    /// <summary>The address people open Madoguchi at (https://support.example.com/). Empty: the first listen address.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Null when <paramref name="value"/> is an absolute http(s) URL without query or fragment, else why not.</summary>
    public static string? Check(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return "Madoguchi:PublicBaseUrl must be an absolute http:// or https:// URL, such as https://support.example.com/.";
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            return "Madoguchi:PublicBaseUrl must not carry a query, a fragment or a user name.";
        return null;
    }
}

/// <summary>Absolute links that leave the app (invitations): always on the configured public base URL, never on the
/// Host header of the request that asked for them, which anybody can forge.</summary>
public sealed class PublicLinks(IOptions<PublicBaseUrlOptions> options, IServer server, IConfiguration configuration)
{
    private Uri? _base;

    public Uri BaseUrl => _base ??= Resolve();

    public string Invitation(string token) => new Uri(BaseUrl, "invitations/" + Uri.EscapeDataString(token)).ToString();

    private Uri Resolve()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.PublicBaseUrl))
            return WithSlash(new Uri(options.Value.PublicBaseUrl, UriKind.Absolute));
        // The first address Kestrel really listens on (its port is known only after binding), else the first configured one.
        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        var configured = (configuration["Urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return FromListenUrl(listening ?? configured ?? "http://localhost");
    }

    /// <summary>http://0.0.0.0:8080, http://+:80 and http://*:80 listen everywhere; links then name localhost.</summary>
    public static Uri FromListenUrl(string url)
    {
        var wildcard = System.Text.RegularExpressions.Regex.Replace(url, @"^(https?://)(\*|\+|0\.0\.0\.0|\[::\])(?=[:/]|$)", "${1}localhost");
        return Uri.TryCreate(wildcard, UriKind.Absolute, out var uri) ? WithSlash(new Uri(uri.GetLeftPart(UriPartial.Authority))) : new Uri("http://localhost/");
    }

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}

public static class PublicLinksSetup
{
    public static WebApplicationBuilder AddPublicLinks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PublicBaseUrlOptions>().Bind(builder.Configuration.GetSection("Madoguchi"))
            .Validate(o => PublicBaseUrlOptions.Check(o.PublicBaseUrl) is null, "Madoguchi:PublicBaseUrl must be an absolute http:// or https:// URL without query or fragment.")
            .ValidateOnStart();
        builder.Services.AddSingleton<PublicLinks>();
        return builder;
    }
}
