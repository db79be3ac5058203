using System.Text.RegularExpressions;
using Madoguchi.Core.Common;

namespace Madoguchi.Core.Receiving.Servers;

/// <summary>Receive settings as a client sends them. On update, null means "leave as is" (the password above all).</summary>
public sealed record ReceiveServerInput(
    string? Protocol,
    string? Host,
    int? Port,
    string? Security,
    bool? ValidateCertificate,
    string? Username,
    string? Password,
    IReadOnlyList<string>? Folders,
    bool? LeaveOnServer,
    int? DeleteAfterDays,
    bool? UseIdle,
    int? PollSeconds,
    bool ClearDeleteAfterDays = false);

/// <summary>Validation of receive settings with messages that say what to change.</summary>
public static partial class ReceiveServerRules
{
    public static Result<ReceiveProtocol> ParseProtocol(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "imap" => ReceiveProtocol.Imap,
        "pop3" => ReceiveProtocol.Pop3,
        _ => Invalid("protocol_invalid", "protocol must be \"imap\" or \"pop3\"."),
    };

    public static Result<MailSecurity> ParseSecurity(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "none" => MailSecurity.None,
        "starttls" => MailSecurity.StartTls,
        "tls" or "ssl" => MailSecurity.Tls,
        _ => Invalid("security_invalid", "security must be \"none\", \"starttls\" or \"tls\"."),
    };

    public static string Name(ReceiveProtocol protocol) => protocol == ReceiveProtocol.Imap ? "imap" : "pop3";

    public static string Name(MailSecurity security) => security switch
    {
        MailSecurity.StartTls => "starttls",
        MailSecurity.Tls => "tls",
        _ => "none",
    };

    public static int DefaultPort(ReceiveProtocol protocol, MailSecurity security) => (protocol, security) switch
    {
        (ReceiveProtocol.Imap, MailSecurity.Tls) => 993,
        (ReceiveProtocol.Imap, _) => 143,
        (ReceiveProtocol.Pop3, MailSecurity.Tls) => 995,
        _ => 110,
    };

    /// <summary>Checks a complete server (after applying an input); the first problem found is returned.</summary>
    public static Error? Check(ReceiveServer server, int minPollSeconds)
    {
        if (string.IsNullOrWhiteSpace(server.Host) || server.Host.Length > 253 || !HostPattern().IsMatch(server.Host))
            return Invalid("host_invalid", "host must be a host name such as mail.example.co.jp or an IP address.");
        if (server.Port is < 1 or > 65535)
            return Invalid("port_invalid", "port must be between 1 and 65535.");
        if (string.IsNullOrWhiteSpace(server.Username) || server.Username.Length > 320)
            return Invalid("username_invalid", "username is required (at most 320 characters).");
        if (server.PollSeconds < minPollSeconds || server.PollSeconds > 86400)
            return Invalid("poll_seconds_invalid", $"pollSeconds must be between {minPollSeconds} and 86400.");
        if (server.DeleteAfterDays is < 0 or > 3650)
            return Invalid("delete_after_days_invalid", "deleteAfterDays must be between 0 and 3650, or null to never delete.");
        if (server.Protocol == ReceiveProtocol.Imap)
        {
            if (server.Folders.Count is < 1 or > 20)
                return Invalid("folders_invalid", "folders must name between 1 and 20 folders, e.g. [\"INBOX\"].");
            if (server.Folders.Any(f => string.IsNullOrWhiteSpace(f) || f.Length > 200 || f.Contains('\n', StringComparison.Ordinal)))
                return Invalid("folders_invalid", "Each folder name must be 1–200 characters on one line.");
            if (server.Folders.Distinct(StringComparer.Ordinal).Count() != server.Folders.Count)
                return Invalid("folders_invalid", "A folder is listed twice.");
        }
        return null;
    }

    private static Error Invalid(string code, string message) => new(ErrorKind.Invalid, code, message);

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9\-\.]*[A-Za-z0-9])?$|^\[?[0-9A-Fa-f:\.]+\]?$")]
    private static partial Regex HostPattern();
}
