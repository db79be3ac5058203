using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Network;

/// <summary>A refused address: the code and a short detail naming the setting that would allow it.</summary>
public sealed record OutboundRefusal(string Code, string Detail);

/// <summary>Decides which IP addresses outbound connections may reach: public addresses always; loopback only with
/// <c>Madoguchi:Network:AllowLoopback</c>; private, shared, link-local (cloud metadata 169.254.169.254), unspecified and
/// other special ranges only when listed in <c>Madoguchi:Network:AllowedNetworks</c>. IPv4-mapped IPv6 forms count as
/// the IPv4 address they carry. Pure apart from the options; unit-tested.</summary>
public sealed class OutboundAddressGuard(IOptionsMonitor<NetworkOptions> options)
{
    private static readonly IPNetwork[] Loopback = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")];

    /// <summary>Ranges that are not the public internet, with the word used in the refusal.</summary>
    private static readonly (IPNetwork Range, string Kind)[] Special =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified (\"this host\") address"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address"),
        (IPNetwork.Parse("100.64.0.0/10"), "a shared (carrier-grade NAT) address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address (cloud metadata lives here)"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address"),
        (IPNetwork.Parse("192.0.0.0/24"), "a protocol-assignment address"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address"),
        (IPNetwork.Parse("198.18.0.0/15"), "a benchmarking address"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved or broadcast address"),
        (IPNetwork.Parse("::/128"), "an unspecified address"),
        (IPNetwork.Parse("fc00::/7"), "a unique-local address"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
    ];

    /// <summary>IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64, IPv4-compatible): judged by that address.</summary>
    private static readonly IPNetwork[] CarriesIPv4 = [IPNetwork.Parse("64:ff9b::/96"), IPNetwork.Parse("::/96")];

    /// <summary>Null when the address may be reached; otherwise why not.</summary>
    public OutboundRefusal? Check(IPAddress address)
    {
        var effective = Normalize(address);
        var settings = options.CurrentValue;
        if (settings.ParsedNetworks().Any(n => n.Contains(effective) || n.Contains(address)))
            return null;
        if (Loopback.Any(n => n.Contains(effective)))
            return settings.AllowLoopback
                ? null
                : new OutboundRefusal(OutboundErrorCode.LoopbackNotAllowed,
                    $"{address} is a loopback address (this host). To fetch from a mail server on the same host, set {NetworkOptions.AllowLoopbackSetting}=true.");
        foreach (var (range, kind) in Special)
        {
            if (range.Contains(effective))
                return new OutboundRefusal(OutboundErrorCode.AddressNotAllowed,
                    $"{address} is {kind}. To allow it, add its range to {NetworkOptions.AllowedNetworksSetting} (e.g. {range}).");
        }
        return null;
    }

    /// <summary>The host's addresses that may be reached, in the resolver's order; a literal address is not looked up.
    /// Throws <see cref="SocketException"/> when the name does not resolve and <see cref="OutboundAddressRefusedException"/>
    /// when every address is refused.</summary>
    public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        if (addresses.Length == 0)
            throw new SocketException((int)SocketError.HostNotFound);
        return Allowed(addresses);
    }

    /// <summary>The addresses that may be reached, in their order; throws <see cref="OutboundAddressRefusedException"/> (naming the
    /// first address) when none may.</summary>
    public IPAddress[] Allowed(IPAddress[] addresses)
    {
        var allowed = addresses.Where(a => Check(a) is null).ToArray();
        if (allowed.Length > 0)
            return allowed;
        var refusal = Check(addresses[0])!;
        throw new OutboundAddressRefusedException(refusal.Code, refusal.Detail);
    }

    private static IPAddress Normalize(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            return address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !address.Equals(IPAddress.IPv6Any) && !address.Equals(IPAddress.IPv6Loopback)
            && CarriesIPv4.Any(n => n.Contains(address)))
        {
            var bytes = address.GetAddressBytes();
            return new IPAddress(bytes.AsSpan(12, 4));
        }
        return address;
    }
}
