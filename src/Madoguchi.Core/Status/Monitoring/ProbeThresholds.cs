using System.Globalization;

namespace Madoguchi.Core.Status.Monitoring;

/// <summary>What a probe saw, as a state and a short reason in our words (no personal data).</summary>
public sealed record ProbeReading(ComponentState State, string Detail);

/// <summary>Probe readings to component states: the thresholds table of the README (Monitoring), as pure functions.</summary>
public static class ProbeThresholds
{
    public static ProbeReading Web(TimeSpan threadPoolDelay, WebThresholds t)
    {
        var ms = threadPoolDelay.TotalMilliseconds;
        var state = ms > t.PartialOutageAboveMilliseconds ? ComponentState.PartialOutage
            : ms > t.DegradedAboveMilliseconds ? ComponentState.DegradedPerformance
            : ComponentState.Operational;
        return new(state, Text($"Request threads answer in {ms:F0} ms."));
    }

    public static ProbeReading Database(TimeSpan? roundTrip, DatabaseThresholds t)
    {
        if (roundTrip is not { } latency)
            return new(ComponentState.MajorOutage, "The database does not answer.");
        var ms = latency.TotalMilliseconds;
        var state = ms > t.PartialOutageAboveMilliseconds ? ComponentState.PartialOutage
            : ms > t.DegradedAboveMilliseconds ? ComponentState.DegradedPerformance
            : ComponentState.Operational;
        return new(state, Text($"Round trip {ms:F0} ms."));
    }

    /// <param name="writeFault">Null when a probe file could be written, flushed to disk and deleted; else why not, in our words.</param>
    /// <param name="freeBytes">Bytes available to this process on the data folder's disk; null when unknown.</param>
    public static ProbeReading Storage(string? writeFault, long? freeBytes, long? totalBytes, StorageThresholds t)
    {
        if (writeFault is not null)
            return new(ComponentState.MajorOutage, $"The blob store cannot write: {writeFault}.");
        if (freeBytes is not { } free || totalBytes is not { } total || total <= 0)
            return new(ComponentState.Operational, "Writable; free space unknown.");
        var percent = 100.0 * free / total;
        var state = percent < t.MajorOutageBelowPercent ? ComponentState.MajorOutage
            : percent < t.PartialOutageBelowPercent ? ComponentState.PartialOutage
            : percent < t.DegradedBelowPercent ? ComponentState.DegradedPerformance
            : ComponentState.Operational;
        return new(state, Text($"Writable; {percent:F1}% free ({free / (1024 * 1024):N0} MiB)."));
    }

    /// <param name="counted">Receive servers that count (configuration errors of a customer's own settings do not).</param>
    /// <param name="failing">Of those, servers whose last pass failed or that are stalled.</param>
    /// <param name="backlog">Stored originals waiting for the inbound pipeline.</param>
    public static ProbeReading Receiving(int counted, int failing, int stalled, long backlog, ReceivingThresholds t)
    {
        var percent = counted == 0 ? 100.0 : 100.0 * (counted - failing) / counted;
        var byShare = percent < t.MajorOutageBelowPercent ? ComponentState.MajorOutage
            : percent < t.PartialOutageBelowPercent ? ComponentState.PartialOutage
            : percent < t.DegradedBelowPercent ? ComponentState.DegradedPerformance
            : ComponentState.Operational;
        var byBacklog = backlog > t.BacklogPartialOutageAbove ? ComponentState.PartialOutage
            : backlog > t.BacklogDegradedAbove ? ComponentState.DegradedPerformance
            : ComponentState.Operational;
        return new(Worst(byShare, byBacklog),
            Text($"{counted - failing} of {counted} receive servers fetching ({percent:F0}%), {stalled} stalled, {backlog} originals waiting for processing."));
    }

    /// <param name="oldestQueued">How long the oldest message still waiting in the outbox has waited; null when none waits.</param>
    /// <param name="finished">Messages that ended sent or failed in the window (customer-caused failures not counted).</param>
    /// <param name="failed">Of those, messages that ended 送信エラー.</param>
    public static ProbeReading Sending(TimeSpan? oldestQueued, int finished, int failed, SendingThresholds t)
    {
        var age = oldestQueued ?? TimeSpan.Zero;
        var byAge = age > t.QueuedPartialOutageAfter ? ComponentState.PartialOutage
            : age > t.QueuedDegradedAfter ? ComponentState.DegradedPerformance
            : ComponentState.Operational;
        var judged = finished >= t.FailureRateMinimumMessages;
        var percent = finished == 0 ? 0.0 : 100.0 * failed / finished;
        var byFailures = !judged ? ComponentState.Operational
            : percent > t.FailedMajorOutageAbovePercent ? ComponentState.MajorOutage
            : percent > t.FailedPartialOutageAbovePercent ? ComponentState.PartialOutage
            : percent > t.FailedDegradedAbovePercent ? ComponentState.DegradedPerformance
            : ComponentState.Operational;
        var waiting = oldestQueued is null ? "No message waiting to be sent" : Text($"Oldest message waiting {age.TotalMinutes:F0} min");
        var rate = Text($"{failed} of {finished} finished in the last {t.FailureWindow.TotalMinutes:F0} min failed ({percent:F0}%{(judged ? "" : ", too few to judge")}).");
        return new(Worst(byAge, byFailures), $"{waiting}; {rate}");
    }

    /// <param name="waiting">Messages whose search postings are not written yet.</param>
    /// <param name="lag">How long the oldest of them has waited; null when none waits.</param>
    public static ProbeReading Search(long waiting, TimeSpan? lag, SearchThresholds t)
    {
        var seconds = Math.Max(0, lag?.TotalSeconds ?? 0);
        var state = seconds > t.LagPartialOutageAboveSeconds ? ComponentState.PartialOutage
            : seconds > t.LagDegradedAboveSeconds ? ComponentState.DegradedPerformance
            : ComponentState.Operational;
        return new(state, Text($"{waiting} messages waiting for the search index, the oldest for {seconds:F0} s."));
    }

    /// <summary>The worse of two probe states (maintenance never comes from a probe).</summary>
    public static ComponentState Worst(ComponentState a, ComponentState b) => (ComponentState)Math.Max((int)a, (int)b);

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
