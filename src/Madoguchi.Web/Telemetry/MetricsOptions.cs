using System.ComponentModel.DataAnnotations;
using Madoguchi.Core.Network;

namespace Madoguchi.Web.Telemetry;

/// <summary>Bound from <c>Madoguchi:Metrics</c>, validated at start: who may read <c>/metrics</c>, and where OTLP goes.</summary>
public sealed class MetricsOptions : IValidatableObject
{
    public const string SectionName = "Madoguchi:Metrics";
    public const string Path = "/metrics";

    /// <summary>CIDR ranges (or single addresses) whose clients may read <c>/metrics</c>; one entry may list several,
    /// separated by commas. Empty (the default): loopback only, 127.0.0.0/8 and ::1.</summary>
    public string[] AllowedNetworks { get; set; } = [];

    /// <summary>When set, a scrape must also send <c>Authorization: Bearer</c> with this value (at least 32 characters).</summary>
    public string? BearerToken { get; set; }

    /// <summary>An OTLP collector (e.g. <c>http://otel-collector:4317</c>). Empty (the default): nothing is exported by
    /// OTLP and no trace is recorded.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c> (the signal's path, <c>/v1/metrics</c> or <c>/v1/traces</c>, is added to the endpoint).</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    public const int MinimumTokenLength = 32;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var entry in Entries(AllowedNetworks))
            if (!NetworkOptions.TryParseExact(entry, out _))
                yield return new ValidationResult(
                    $"{SectionName}:AllowedNetworks contains \"{entry}\", which is not an address or a CIDR range such as 10.0.0.0/8 (written as its network address).",
                    [nameof(AllowedNetworks)]);
        if (BearerToken is { } token && token.Length < MinimumTokenLength)
            yield return new ValidationResult($"{SectionName}:BearerToken must have at least {MinimumTokenLength} characters (e.g. the output of \"openssl rand -hex 32\").", [nameof(BearerToken)]);
        if (!string.IsNullOrWhiteSpace(OtlpEndpoint) && !(Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            yield return new ValidationResult($"{SectionName}:OtlpEndpoint must be an http:// or https:// address such as http://otel-collector:4317.", [nameof(OtlpEndpoint)]);
        if (OtlpProtocol is not ("grpc" or "http/protobuf"))
            yield return new ValidationResult($"{SectionName}:OtlpProtocol must be grpc or http/protobuf.", [nameof(OtlpProtocol)]);
    }

    public bool ExportsOtlp => !string.IsNullOrWhiteSpace(OtlpEndpoint);

    /// <summary>The allowed networks, loopback when none is listed.</summary>
    public IReadOnlyList<System.Net.IPNetwork> Networks()
    {
        var entries = Entries(AllowedNetworks).ToList();
        if (entries.Count == 0)
            entries = ["127.0.0.0/8", "::1"];
        return [.. entries.Select(e => NetworkOptions.TryParseExact(e, out var n) ? n : throw new InvalidOperationException($"Invalid range {e}."))];
    }

    private static IEnumerable<string> Entries(IEnumerable<string> values) =>
        values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
