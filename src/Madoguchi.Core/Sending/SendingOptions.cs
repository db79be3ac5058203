using System.ComponentModel.DataAnnotations;

namespace Madoguchi.Core.Sending;

/// <summary>Madoguchi:Sending — the outbox worker, retries and the limits checked before a reply is queued.</summary>
public sealed class SendingOptions : IValidatableObject
{
    public const string SectionName = "Madoguchi:Sending";

    /// <summary>Run the outbox worker in this instance.</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>How often the worker looks for due messages when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Temporary failures are retried until this long after the message was queued; then it is 送信エラー.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Wait after the first temporary failure; doubles after each, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>To + Cc + Bcc of one message.</summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>Size of one message as sent, attachments included.</summary>
    public long MaxMessageBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>Size of one uploaded attachment (<c>POST /api/v1/uploads</c>).</summary>
    public long MaxAttachmentBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>An upload no sent message used is deleted (with its file) this long after it was uploaded.</summary>
    public TimeSpan UploadRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long an instance owns a message it is sending; a message whose lease ran out (its instance died) is
    /// sent again with the same Message-ID.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Per SMTP command.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>SMTP connections at once over all send addresses.</summary>
    public int MaxParallel { get; set; } = 4;

    /// <summary>SMTP connections at once to one send address's server (servers limit connections per client; keep it small).</summary>
    public int MaxConnectionsPerAddress { get; set; } = 3;

    /// <summary>Messages one SMTP connection sends before it is closed and the next one opened (one sign-in for all of
    /// them). Kept small: some servers refuse more messages per connection.</summary>
    public int MessagesPerConnection { get; set; } = 20;

    /// <summary>Messages one outbox connection slot claims at once (one atomic claim, one lease, one send-address lookup)
    /// and sends one after another, over as many connections as <see cref="MessagesPerConnection"/> needs. The claim and
    /// its lease were a fifth of the outbox's work per message with a claim per connection (bench/README.md, "Sending").
    /// After a crash, a claim's messages not yet sent wait for its lease to run out.</summary>
    public int MessagesPerBatch { get; set; } = 100;

    /// <summary>Outcomes of one connection handed to the database together (one disk flush for several messages; the
    /// instance writes the groups of all its connections that are waiting in one transaction: <see cref="OutboxOutcomes"/>).
    /// A failure, the end of the connection's messages and <see cref="MaxOutcomeDelay"/> hand them over at once; the
    /// connection goes on sending while they are written, with at most one group in writing. 1: each outcome is handed
    /// over at once (written while the next message is sent).</summary>
    public int OutcomesPerCommit { get; set; } = 10;

    /// <summary>The longest a known outcome waits for the others of its group (a slow server never leaves a message
    /// 送信中 for long after it was accepted).</summary>
    public TimeSpan MaxOutcomeDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    public string InstanceId { get; set; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}"[..^24];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PollInterval <= TimeSpan.Zero || RetryFor < TimeSpan.Zero || FirstRetryDelay <= TimeSpan.Zero || MaxRetryDelay < FirstRetryDelay)
            yield return new ValidationResult("Madoguchi:Sending: PollInterval and FirstRetryDelay must be positive, MaxRetryDelay at least FirstRetryDelay.");
        if (MaxRecipients is < 1 or > 10_000)
            yield return new ValidationResult("Madoguchi:Sending:MaxRecipients must be between 1 and 10000.", [nameof(MaxRecipients)]);
        if (MaxMessageBytes < 1024)
            yield return new ValidationResult("Madoguchi:Sending:MaxMessageBytes must be at least 1024.", [nameof(MaxMessageBytes)]);
        if (MaxAttachmentBytes < 1 || MaxAttachmentBytes > MaxMessageBytes)
            yield return new ValidationResult("Madoguchi:Sending:MaxAttachmentBytes must be between 1 and MaxMessageBytes.", [nameof(MaxAttachmentBytes)]);
        if (UploadRetention <= TimeSpan.Zero)
            yield return new ValidationResult("Madoguchi:Sending:UploadRetention must be positive.", [nameof(UploadRetention)]);
        if (LeaseDuration <= Timeout)
            yield return new ValidationResult("Madoguchi:Sending:LeaseDuration must be longer than Timeout.", [nameof(LeaseDuration)]);
        if (MaxParallel is < 1 or > 64)
            yield return new ValidationResult("Madoguchi:Sending:MaxParallel must be between 1 and 64.", [nameof(MaxParallel)]);
        if (MaxConnectionsPerAddress is < 1 or > 64)
            yield return new ValidationResult("Madoguchi:Sending:MaxConnectionsPerAddress must be between 1 and 64.", [nameof(MaxConnectionsPerAddress)]);
        if (MessagesPerConnection is < 1 or > 1000)
            yield return new ValidationResult("Madoguchi:Sending:MessagesPerConnection must be between 1 and 1000.", [nameof(MessagesPerConnection)]);
        if (MessagesPerBatch is < 1 or > 1000)
            yield return new ValidationResult("Madoguchi:Sending:MessagesPerBatch must be between 1 and 1000.", [nameof(MessagesPerBatch)]);
        if (OutcomesPerCommit is < 1 or > 1000)
            yield return new ValidationResult("Madoguchi:Sending:OutcomesPerCommit must be between 1 and 1000.", [nameof(OutcomesPerCommit)]);
        if (MaxOutcomeDelay < TimeSpan.Zero || MaxOutcomeDelay > LeaseDuration / 3)
            yield return new ValidationResult("Madoguchi:Sending:MaxOutcomeDelay must be between 0 and a third of LeaseDuration.", [nameof(MaxOutcomeDelay)]);
        if (string.IsNullOrWhiteSpace(InstanceId) || InstanceId.Length > 200)
            yield return new ValidationResult("Madoguchi:Sending:InstanceId must be 1–200 characters.", [nameof(InstanceId)]);
    }
}
