using System.ComponentModel;

namespace Madoguchi.Web.Api.Receiving;

/// <summary>The body of <c>POST</c> and <c>PATCH …/receive-servers</c> as the OpenAPI document describes it. The endpoints read
/// the JSON by hand (<c>ReceivingEndpoints.TryRead</c>) so that an explicit <c>"deleteAfterDays": null</c> (never delete) differs
/// from leaving the field out; keep the two in step.</summary>
[Description("Receive settings. On PATCH, fields left out stay as they are; \"deleteAfterDays\": null means never delete.")]
public sealed class ReceiveServerSettings
{
    [Description("\"imap\" or \"pop3\".")]
    public string? Protocol { get; init; }

    [Description("Host name or IP address of the mail server.")]
    public string? Host { get; init; }

    [Description("1–65535; defaults to the protocol's port for the security.")]
    public int? Port { get; init; }

    [Description("\"none\", \"starttls\" or \"tls\".")]
    public string? Security { get; init; }

    [Description("Check the server's TLS certificate (default true).")]
    public bool? ValidateCertificate { get; init; }

    [Description("Login name on the mail server.")]
    public string? Username { get; init; }

    [Description("Password on the mail server; stored encrypted and never returned.")]
    public string? Password { get; init; }

    [Description("IMAP folders to fetch, e.g. [\"INBOX\"].")]
    public IReadOnlyList<string>? Folders { get; init; }

    [Description("Leave fetched mail on the server.")]
    public bool? LeaveOnServer { get; init; }

    [Description("Delete from the server this many days after fetching (0–3650); null never deletes.")]
    public int? DeleteAfterDays { get; init; }

    [Description("Use IMAP IDLE to hear of new mail at once.")]
    public bool? UseIdle { get; init; }

    [Description("Seconds between fetches.")]
    public int? PollSeconds { get; init; }
}
