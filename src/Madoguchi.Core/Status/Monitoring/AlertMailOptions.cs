using System.ComponentModel.DataAnnotations;
using Madoguchi.Core.Receiving.Servers;
using Madoguchi.Core.Sending;
using MimeKit;

namespace Madoguchi.Core.Status.Monitoring;

/// <summary>Bound from <c>Madoguchi:Alerts</c>, validated at start: the installation's own SMTP server for monitoring alert
/// emails and who gets them. With no <see cref="AlertSmtpOptions.Host"/>, alerts are console notices only.</summary>
public sealed class AlertMailOptions : IValidatableObject
{
    public const string SectionName = "Madoguchi:Alerts";

    public AlertSmtpOptions Smtp { get; set; } = new();

    /// <summary>Who gets alert emails. Empty: every operator's sign-in address.</summary>
    public List<string> Recipients { get; set; } = [];

    /// <summary>Tries per alert email (one per probe round) before it is given up and shown as failed in the console.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    public bool Enabled => !string.IsNullOrWhiteSpace(Smtp.Host);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
            yield break;
        if (Smtp.Port is < 1 or > 65535)
            yield return new ValidationResult("Madoguchi:Alerts:Smtp:Port must be 1–65535.", ["Smtp"]);
        if (!MailboxAddress.TryParse(Smtp.From ?? "", out _))
            yield return new ValidationResult("Madoguchi:Alerts:Smtp:From must be an email address when Madoguchi:Alerts:Smtp:Host is set.", ["Smtp"]);
        if (Smtp.Timeout < TimeSpan.FromSeconds(1) || Smtp.Timeout > TimeSpan.FromMinutes(5))
            yield return new ValidationResult("Madoguchi:Alerts:Smtp:Timeout must be between 1 second and 5 minutes.", ["Smtp"]);
        foreach (var recipient in Recipients)
            if (!MailboxAddress.TryParse(recipient, out _))
                yield return new ValidationResult($"Madoguchi:Alerts:Recipients: '{recipient}' is not an email address.", [nameof(Recipients)]);
    }
}

/// <summary>The installation's SMTP server (set by the operator, not by a customer): reached directly, without the network
/// rules that guard customers' servers, so a relay on the same host (127.0.0.1:25) works.</summary>
public sealed class AlertSmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;

    /// <summary><c>None</c>, <c>StartTls</c> or <c>Tls</c>.</summary>
    public MailSecurity Security { get; set; } = MailSecurity.StartTls;

    public bool ValidateCertificate { get; set; } = true;

    /// <summary>Empty: no authentication.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary><c>Plain</c>, <c>Login</c> or <c>CramMd5</c>; used when <see cref="Username"/> is set.</summary>
    public SmtpAuthentication Authentication { get; set; } = SmtpAuthentication.Plain;

    /// <summary>From address (and envelope sender) of alert emails.</summary>
    public string? From { get; set; }

    /// <summary>Per SMTP command.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    internal SmtpConnection Connection() => new(Host!, Port, Security, ValidateCertificate,
        string.IsNullOrEmpty(Username) ? SmtpAuthentication.None : Authentication, Username ?? "", Password ?? "");
}
