using System.ComponentModel.DataAnnotations;
using System.Net;
using Madoguchi.Core.Network;
using Microsoft.Extensions.Options;

namespace Madoguchi.Tests.Network;

public sealed class OutboundAddressGuardTests
{
    private static OutboundAddressGuard Guard(bool allowLoopback = false, params string[] networks)
    {
        var options = new NetworkOptions { AllowLoopback = allowLoopback, AllowedNetworks = [.. networks] };
        return new OutboundAddressGuard(new StaticMonitor(options));
    }

    [Theory]
    [InlineData("127.0.0.1", OutboundErrorCode.LoopbackNotAllowed)]
    [InlineData("127.8.9.10", OutboundErrorCode.LoopbackNotAllowed)]
    [InlineData("::1", OutboundErrorCode.LoopbackNotAllowed)]
    [InlineData("::ffff:127.0.0.1", OutboundErrorCode.LoopbackNotAllowed)]
    [InlineData("0.0.0.0", OutboundErrorCode.AddressNotAllowed)]
    [InlineData("0.1.2.3", OutboundErrorCode.AddressNotAllowed)]
    [InlineData("::", OutboundErrorCode.AddressNotAllowed)]
    [InlineData("::ffff:0.0.0.0", OutboundErrorCode.AddressNotAllowed)]
    [InlineData("169.254.169.254", OutboundErrorCode.AddressNotAllowed)]
    [InlineData("::ffff:169.254.169.254", OutboundErrorCode.AddressNotAllowed)]
    [InlineData("64:ff9b::a9fe:a9fe", OutboundErrorCode.AddressNotAllowed)]
    [InlineData("10.1.2.3", OutboundErrorCode.AddressNotAllowed)]
    [InlineData("::ffff:10.1.2.3", OutboundErrorCode.AddressNotAllowed)]
    [InlineData("172.16.0.1", OutboundErrorCode.AddressNotAllowed)]
    [InlineData("172.31.255.254", OutboundErrorCode.AddressNotAllowed)]
    [InlineData("192.168.1.1", OutboundErrorCode.AddressNotAllowed)]
    [InlineData("100.64.0.1", OutboundErrorCode.AddressNotAllowed)]
    [InlineData("fc00::1", OutboundErrorCode.AddressNotAllowed)]
    [InlineData("fd12:3456::1", OutboundErrorCode.AddressNotAllowed)]
    [InlineData("fe80::1", OutboundErrorCode.AddressNotAllowed)]
    [InlineData("224.0.0.1", OutboundErrorCode.AddressNotAllowed)]
    [InlineData("255.255.255.255", OutboundErrorCode.AddressNotAllowed)]
    public void InternalAddresses_AreRefused_ByDefault(string address, string code)
    {
        var refusal = Guard().Check(IPAddress.Parse(address));

        Assert.NotNull(refusal);
        Assert.Equal(code, refusal.Code);
        Assert.Contains(code == OutboundErrorCode.LoopbackNotAllowed ? "Madoguchi:Network:AllowLoopback" : "Madoguchi:Network:AllowedNetworks", refusal.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.8.8")]
    public void PublicAddresses_AreAllowed(string address) => Assert.Null(Guard().Check(IPAddress.Parse(address)));

    [Fact]
    public void AllowLoopback_AllowsLoopbackOnly()
    {
        var guard = Guard(allowLoopback: true);

        Assert.Null(guard.Check(IPAddress.Loopback));
        Assert.Null(guard.Check(IPAddress.IPv6Loopback));
        Assert.Null(guard.Check(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.NotNull(guard.Check(IPAddress.Parse("10.0.0.1")));
        Assert.NotNull(guard.Check(IPAddress.Parse("169.254.169.254")));
        Assert.NotNull(guard.Check(IPAddress.Any));
    }

    [Fact]
    public void AllowedNetworks_AllowTheirRangesOnly()
    {
        var guard = Guard(false, "10.20.0.0/16", "fd00::/8", "127.0.0.1/32");

        Assert.Null(guard.Check(IPAddress.Parse("10.20.30.40")));
        Assert.Null(guard.Check(IPAddress.Parse("::ffff:10.20.30.40")));
        Assert.Null(guard.Check(IPAddress.Parse("fd00::25")));
        Assert.Null(guard.Check(IPAddress.Loopback));
        Assert.NotNull(guard.Check(IPAddress.Parse("10.21.0.1")));
        Assert.NotNull(guard.Check(IPAddress.Parse("127.0.0.2")));
        Assert.NotNull(guard.Check(IPAddress.Parse("169.254.169.254")));
    }

    [Fact]
    public void Allowed_KeepsCheckedAddresses_AndRefusesWhenNoneIsAllowed()
    {
        var guard = Guard();
        var mixed = new[] { IPAddress.Loopback, IPAddress.Parse("93.184.216.34") };

        Assert.Equal([IPAddress.Parse("93.184.216.34")], guard.Allowed(mixed));
        var refused = Assert.Throws<OutboundAddressRefusedException>(() => guard.Allowed([IPAddress.Loopback, IPAddress.IPv6Loopback]));
        Assert.Equal(OutboundErrorCode.LoopbackNotAllowed, refused.Code);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.1/8")]
    [InlineData("intranet")]
    [InlineData("")]
    public void Options_RejectInvalidRanges(string range)
    {
        var options = new NetworkOptions { AllowedNetworks = [range] };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains("Madoguchi:Network:AllowedNetworks", results[0].ErrorMessage, StringComparison.Ordinal);
    }

    private sealed class StaticMonitor(NetworkOptions value) : IOptionsMonitor<NetworkOptions>
    {
        public NetworkOptions CurrentValue => value;
        public NetworkOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<NetworkOptions, string?> listener) => null;
    }
}
