using System.ComponentModel.DataAnnotations;

namespace Madoguchi.Core.Receiving;

/// <summary>Bound from <c>Madoguchi:Receiving</c>, validated at start. Mail server connection details are data (rows), not options.</summary>
public sealed class ReceivingOptions : IValidatableObject
{
    public const string SectionName = "Madoguchi:Receiving";

    /// <summary>Runs <c>MailFetchWorker</c> (polling and IDLE). Off, mail is fetched only on "fetch now".</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>Messages larger than this are still stored (streamed in pieces), and recorded as a <c>message_too_large</c> notice.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxMessageSize { get; set; } = 50L * 1024 * 1024;

    /// <summary>Messages fetched and committed together; a crash re-fetches at most one batch (and stores none of it twice).</summary>
    [Range(1, 5000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>Bytes of originals fetched before a commit, whatever <see cref="BatchSize"/> says.</summary>
    [Range(1024, long.MaxValue)]
    public long BatchBytes { get; set; } = 16L * 1024 * 1024;

    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Names this app instance in fetch leases; unique per process by default.</summary>
    public string InstanceId { get; set; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}"[..^24];

    [Range(1, 64)]
    public int MaxParallelServers { get; set; } = 4;

    /// <summary>Network timeout of one command on a customer's mail server.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Smallest poll interval an inbox may set.</summary>
    [Range(5, 86400)]
    public int MinPollSeconds { get; set; } = 30;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(InstanceId) || InstanceId.Length > 200)
            yield return new ValidationResult("Madoguchi:Receiving:InstanceId must be 1–200 characters.", [nameof(InstanceId)]);
    }
}
