namespace Madoguchi.Core.Network;

/// <summary>Stable codes of refused outbound addresses; each names the setting that allows the address.</summary>
public static class OutboundErrorCode
{
    public const string LoopbackNotAllowed = "loopback_not_allowed";
    public const string AddressNotAllowed = "address_not_allowed";
}

/// <summary>The destination resolved only to addresses this installation does not connect to. The message is a short,
/// safe detail (the address and the setting that would allow it), fit to show to an administrator.</summary>
public sealed class OutboundAddressRefusedException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
