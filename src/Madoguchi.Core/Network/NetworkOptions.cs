using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Madoguchi.Core.Network;

/// <summary>Bound from <c>Madoguchi:Network</c>, validated at start: which addresses outbound mail connections
/// (receive servers, later SMTP) may reach besides the public internet.</summary>
public sealed class NetworkOptions : IValidatableObject
{
    public const string SectionName = "Madoguchi:Network";
    public const string AllowLoopbackSetting = SectionName + ":" + nameof(AllowLoopback);
    public const string AllowedNetworksSetting = SectionName + ":" + nameof(AllowedNetworks);

    /// <summary>Allows 127.0.0.0/8 and ::1, for a mail server on the same host. Off by default.</summary>
    public bool AllowLoopback { get; set; }

    /// <summary>CIDR ranges (e.g. <c>192.168.10.0/24</c>) that may be reached although they are private, link-local or otherwise special.</summary>
    public List<string> AllowedNetworks { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var range in AllowedNetworks)
        {
            if (!TryParseExact(range, out _))
                yield return new ValidationResult(
                    $"{AllowedNetworksSetting} contains \"{range}\", which is not a CIDR range such as 192.168.10.0/24 or fd00::/8 (the address must have no bits set past the prefix length).",
                    [nameof(AllowedNetworks)]);
        }
    }

    internal IReadOnlyList<IPNetwork> ParsedNetworks() => [.. AllowedNetworks.Select(r => TryParseExact(r, out var n) ? n : throw new InvalidOperationException($"Invalid range {r}."))];

    /// <summary>A CIDR range written as its network address: <c>10.0.0.0/8</c>, not <c>10.0.0.1/8</c> (which is refused, as it
    /// may mean a typo). A bare address means that address alone.</summary>
    public static bool TryParseExact(string? text, out IPNetwork network)
    {
        network = default;
        var trimmed = text?.Trim() ?? "";
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(slash < 0 ? trimmed : trimmed[..slash], out var address))
            return false;
        if (slash < 0)
            trimmed += address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "/32" : "/128";
        return IPNetwork.TryParse(trimmed, out network) && network.BaseAddress.Equals(address);
    }
}
