using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Madoguchi.Web.Hosting;

/// <summary>Bound from <c>Madoguchi:Network</c>: the reverse proxies whose X-Forwarded-For/-Proto/-Host are believed.
/// Each entry is an IP address or a CIDR range; a single value may list several, separated by commas. Empty (the
/// default) believes no one: the address that connected is the client.</summary>
public sealed class ReverseProxyOptions
{
    public const string SectionName = "Madoguchi:Network";

    public string[] KnownProxies { get; set; } = [];
}

public static class ForwardedHeadersSetup
{
    /// <summary>Forwarded headers are honoured only from <see cref="ReverseProxyOptions.KnownProxies"/>, so that rate limits,
    /// audit IPs, the cookie's Secure flag and links use the client's address and scheme behind a proxy, and nobody
    /// else can claim another address. A bad entry stops the start with the setting's name.</summary>
    public static WebApplicationBuilder AddReverseProxySupport(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReverseProxyOptions>().BindConfiguration(SectionName)
            .Validate(o => TryParse(o.KnownProxies), $"{SectionName}:KnownProxies must list IP addresses or CIDR ranges (e.g. 10.0.0.5, 10.0.0.0/8).")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ReverseProxyOptions>>((o, proxies) =>
        {
            var networks = Parse(proxies.Value.KnownProxies);
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // The defaults trust loopback; here only what the operator listed is trusted.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var network in networks)
                o.KnownIPNetworks.Add(network);
            // Walk back through a chain of listed proxies to the first address that is not one of them.
            o.ForwardLimit = null;
        });
        return builder;
    }

    /// <summary>First in the pipeline, before anything reads the client's address or scheme.</summary>
    public static WebApplication UseReverseProxySupport(this WebApplication app)
    {
        app.UseForwardedHeaders();
        return app;
    }

    private const string SectionName = ReverseProxyOptions.SectionName;

    private static bool TryParse(IEnumerable<string> entries)
    {
        try
        {
            Parse(entries);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    internal static List<System.Net.IPNetwork> Parse(IEnumerable<string> entries)
    {
        var networks = new List<System.Net.IPNetwork>();
        foreach (var entry in entries.SelectMany(e => (e ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (System.Net.IPNetwork.TryParse(entry, out var network))
                networks.Add(network);
            else if (IPAddress.TryParse(entry, out var address))
                networks.Add(new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            else
                throw new InvalidOperationException($"{SectionName}:KnownProxies: \"{entry}\" is neither an IP address nor a CIDR range (e.g. 10.0.0.5 or 10.0.0.0/8).");
        }
        return networks;
    }
}
