namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>Names of the "test connection" steps, in the order they run.</summary>
public static class ConnectionSteps
{
    public const string NameLookup = "name_lookup";
    /// <summary>The addresses found are ones this installation may connect to (Madoguchi:Network).</summary>
    public const string AddressCheck = "address_check";
    public const string TcpConnect = "tcp_connect";
    public const string Tls = "tls";
    public const string Login = "login";
    public const string Folders = "folders";
    public const string MessageCount = "message_count";

    public static ConnectionTestStep Failed(string step, ReceiveFailure failure) => new(step, false, failure.Text.En, failure.Detail);
}
