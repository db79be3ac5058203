namespace Madoguchi.Web.Ui.Shared;

/// <summary>The browser's IP address, taken from the HTTP request that rendered the page and cascaded into the
/// interactive circuit, so audit entries written from the circuit record where the user sits.</summary>
public sealed record ClientAddress(string? IpAddress);
