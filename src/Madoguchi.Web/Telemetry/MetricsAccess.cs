using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Madoguchi.Web.Telemetry;

/// <summary>Guards <c>/metrics</c>: the client's address (after the reverse-proxy rules) must be in an allowed network,
/// else 403; when a token is set, <c>Authorization: Bearer</c> must carry it, else 401. Refusals have no body: they say
/// nothing about the rules. A request that still carries forwarding headers came through a proxy that is not listed in
/// <c>Madoguchi:Network:KnownProxies</c>: its real origin is unknown, so it is refused too.</summary>
public sealed class MetricsAccess
{
    private readonly IReadOnlyList<System.Net.IPNetwork> _networks;
    private readonly byte[]? _tokenHash;

    public MetricsAccess(IOptions<MetricsOptions> options)
    {
        _networks = options.Value.Networks();
        _tokenHash = string.IsNullOrEmpty(options.Value.BearerToken) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.BearerToken));
    }

    /// <summary>The status to refuse with, or null to serve the scrape.</summary>
    public int? Refusal(HttpContext context)
    {
        if (!FromAllowedNetwork(context))
            return StatusCodes.Status403Forbidden;
        if (_tokenHash is not null && !CarriesToken(context.Request.Headers.Authorization.ToString()))
            return StatusCodes.Status401Unauthorized;
        return null;
    }

    private bool FromAllowedNetwork(HttpContext context)
    {
        if (context.Request.Headers.ContainsKey("X-Forwarded-For") || context.Request.Headers.ContainsKey("Forwarded"))
            return false;
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
            return false;
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        return _networks.Any(n => n.Contains(address));
    }

    private bool CarriesToken(string header)
    {
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _tokenHash);
    }
}
