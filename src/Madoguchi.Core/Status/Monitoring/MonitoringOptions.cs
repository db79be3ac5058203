using System.ComponentModel.DataAnnotations;

namespace Madoguchi.Core.Status.Monitoring;

/// <summary>Bound from <c>Madoguchi:Monitoring</c>, validated at start. The thresholds are the README's table (Monitoring).</summary>
public sealed class MonitoringOptions : IValidatableObject
{
    public const string SectionName = "Madoguchi:Monitoring";

    /// <summary>Runs the probe rounds. Off, nothing is probed and no alert is raised.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>One probe round per interval across all instances (a database lease).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Probe results (and read operator alerts) older than this are deleted by the runner.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan KeepHistory { get; set; } = TimeSpan.FromDays(100);

    /// <summary>After an alert about a component, further alerts about it wait this long (recovery notices do not).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan AlertThrottle { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Longest a single probe may take; a probe that does not answer in time counts as a major outage.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public WebThresholds Web { get; set; } = new();
    public DatabaseThresholds Database { get; set; } = new();
    public StorageThresholds Storage { get; set; } = new();
    public ReceivingThresholds Receiving { get; set; } = new();
    public SendingThresholds Sending { get; set; } = new();
    public SearchThresholds Search { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (group, thresholds) in new (string, object)[] { ("Web", Web), ("Database", Database), ("Storage", Storage), ("Receiving", Receiving), ("Sending", Sending), ("Search", Search) })
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(thresholds, new ValidationContext(thresholds), results, validateAllProperties: true);
            foreach (var result in results)
                yield return Invalid(group, result.ErrorMessage ?? "out of range.");
        }
        if (!(Web.DegradedAboveMilliseconds < Web.PartialOutageAboveMilliseconds))
            yield return Invalid("Web", "DegradedAboveMilliseconds must be below PartialOutageAboveMilliseconds.");
        if (!(Database.DegradedAboveMilliseconds < Database.PartialOutageAboveMilliseconds))
            yield return Invalid("Database", "DegradedAboveMilliseconds must be below PartialOutageAboveMilliseconds.");
        if (!(Storage.MajorOutageBelowPercent <= Storage.PartialOutageBelowPercent && Storage.PartialOutageBelowPercent <= Storage.DegradedBelowPercent))
            yield return Invalid("Storage", "the free-space percentages must be MajorOutageBelowPercent ≤ PartialOutageBelowPercent ≤ DegradedBelowPercent.");
        if (!(Receiving.MajorOutageBelowPercent <= Receiving.PartialOutageBelowPercent && Receiving.PartialOutageBelowPercent <= Receiving.DegradedBelowPercent))
            yield return Invalid("Receiving", "the success shares must be MajorOutageBelowPercent ≤ PartialOutageBelowPercent ≤ DegradedBelowPercent.");
        if (!(Receiving.BacklogDegradedAbove <= Receiving.BacklogPartialOutageAbove))
            yield return Invalid("Receiving", "BacklogDegradedAbove must not exceed BacklogPartialOutageAbove.");
        if (!(Sending.QueuedDegradedAfter <= Sending.QueuedPartialOutageAfter))
            yield return Invalid("Sending", "QueuedDegradedAfter must not exceed QueuedPartialOutageAfter.");
        if (!(Sending.FailedDegradedAbovePercent <= Sending.FailedPartialOutageAbovePercent && Sending.FailedPartialOutageAbovePercent <= Sending.FailedMajorOutageAbovePercent))
            yield return Invalid("Sending", "the failure rates must be FailedDegradedAbovePercent ≤ FailedPartialOutageAbovePercent ≤ FailedMajorOutageAbovePercent.");
        if (!(Search.LagDegradedAboveSeconds <= Search.LagPartialOutageAboveSeconds))
            yield return Invalid("Search", "LagDegradedAboveSeconds must not exceed LagPartialOutageAboveSeconds.");
    }

    private static ValidationResult Invalid(string group, string text) => new($"Madoguchi:Monitoring:{group}: {text}", [group]);
}

/// <summary>Web: how long a work item waits for a thread-pool thread (what every request waits for first).</summary>
public sealed class WebThresholds
{
    [Range(1, 600_000)]
    public int DegradedAboveMilliseconds { get; set; } = 1_000;

    [Range(1, 600_000)]
    public int PartialOutageAboveMilliseconds { get; set; } = 5_000;
}

/// <summary>Database: one round trip's latency; no answer within the probe timeout is a major outage.</summary>
public sealed class DatabaseThresholds
{
    [Range(1, 600_000)]
    public int DegradedAboveMilliseconds { get; set; } = 500;

    [Range(1, 600_000)]
    public int PartialOutageAboveMilliseconds { get; set; } = 3_000;
}

/// <summary>Storage: a probe write that fails is a major outage; otherwise the share of free space on the data folder's disk decides.</summary>
public sealed class StorageThresholds
{
    [Range(0, 100)]
    public double DegradedBelowPercent { get; set; } = 10;

    [Range(0, 100)]
    public double PartialOutageBelowPercent { get; set; } = 5;

    [Range(0, 100)]
    public double MajorOutageBelowPercent { get; set; } = 1;
}

/// <summary>Receiving: the share of receive servers whose last pass succeeded (stalled ones count as failing), and the
/// inbound pipeline's backlog of stored originals not yet processed.</summary>
public sealed class ReceivingThresholds
{
    [Range(0, 100)]
    public double DegradedBelowPercent { get; set; } = 95;

    [Range(0, 100)]
    public double PartialOutageBelowPercent { get; set; } = 75;

    [Range(0, 100)]
    public double MajorOutageBelowPercent { get; set; } = 50;

    /// <summary>A server whose last pass began longer ago than this many of its poll intervals is stalled.</summary>
    [Range(1, 1000)]
    public int StalledAfterPollIntervals { get; set; } = 3;

    [Range(0, int.MaxValue)]
    public int BacklogDegradedAbove { get; set; } = 1_000;

    [Range(0, int.MaxValue)]
    public int BacklogPartialOutageAbove { get; set; } = 10_000;
}

/// <summary>Sending: how long the oldest message still waiting in the outbox (送信待ち or 送信中) has waited since it was
/// queued, and the share of messages that ended 送信エラー among those finished (sent or failed) in the last
/// <see cref="FailureWindow"/>. Failures caused by one customer's settings or one recipient (see
/// <see cref="SendingProbe.CustomerErrors"/>) are left out: the customer fixes those.</summary>
public sealed class SendingThresholds
{
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan QueuedDegradedAfter { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan QueuedPartialOutageAfter { get; set; } = TimeSpan.FromHours(2);

    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Fewer finished messages than this in the window say nothing about a failure rate: it is not judged.</summary>
    [Range(1, 100_000)]
    public int FailureRateMinimumMessages { get; set; } = 5;

    [Range(0, 100)]
    public double FailedDegradedAbovePercent { get; set; } = 5;

    [Range(0, 100)]
    public double FailedPartialOutageAbovePercent { get; set; } = 25;

    [Range(0, 100)]
    public double FailedMajorOutageAbovePercent { get; set; } = 50;
}

/// <summary>Search: the age of the oldest message whose postings the background indexer has not written. Searches stay
/// exact meanwhile (they read the waiting messages directly), only slower, so a lag is first a degraded performance.</summary>
public sealed class SearchThresholds
{
    [Range(1, int.MaxValue)]
    public int LagDegradedAboveSeconds { get; set; } = 120;

    [Range(1, int.MaxValue)]
    public int LagPartialOutageAboveSeconds { get; set; } = 1_800;
}
