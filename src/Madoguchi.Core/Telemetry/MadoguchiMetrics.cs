using System.Diagnostics.Metrics;
using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Receiving.Servers;
using Madoguchi.Core.Status;

namespace Madoguchi.Core.Telemetry;

/// <summary>The <c>Madoguchi</c> meter and every instrument of ours, named by feature (<c>madoguchi.receive.*</c>,
/// <c>madoguchi.pipeline.*</c>, <c>madoguchi.probe.*</c>). Attributes are closed sets chosen here (protocol, outcome,
/// a stable error code, a component): never an address, a subject, a host name or an account name, so nothing a
/// customer wrote or configured can reach a metric.</summary>
public sealed class MadoguchiMetrics
{
    public const string MeterName = "Madoguchi";

    private static readonly KeyValuePair<string, object?> Imap = new("protocol", "imap");
    private static readonly KeyValuePair<string, object?> Pop3 = new("protocol", "pop3");

    private readonly Counter<long> _fetched;
    private readonly Counter<long> _stored;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _passes;
    private readonly Histogram<double> _passDuration;
    private readonly Counter<long> _pipelineMessages;
    private readonly Histogram<double> _batchDuration;
    private readonly Counter<long> _sendAttempts;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _sendFailed;
    private readonly Counter<long> _bounced;

    public MadoguchiMetrics(IMeterFactory meters, PipelineBacklog backlog, ProbeStateBoard probes)
    {
        var meter = meters.Create(MeterName);
        _fetched = meter.CreateCounter<long>("madoguchi.receive.messages.fetched", "{message}",
            "Originals downloaded from receive servers and recorded, new or already stored.");
        _stored = meter.CreateCounter<long>("madoguchi.receive.messages.stored", "{message}",
            "Originals stored for the first time.");
        _failed = meter.CreateCounter<long>("madoguchi.receive.messages.failed", "{message}",
            "Messages a pass could not receive: set aside (too large, not storable, stalling) or refused by the server.");
        _passes = meter.CreateCounter<long>("madoguchi.receive.passes", "{pass}",
            "Fetch passes by outcome; a failed pass carries its stable error code.");
        _passDuration = meter.CreateHistogram<double>("madoguchi.receive.pass.duration", "s",
            "Duration of one fetch pass of one receive server.", tags: null, advice: Seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600));
        _pipelineMessages = meter.CreateCounter<long>("madoguchi.pipeline.messages", "{message}",
            "Originals the inbound pipeline turned into ticket messages (processed) or could not (failed).");
        _batchDuration = meter.CreateHistogram<double>("madoguchi.pipeline.batch.duration", "s",
            "Duration of one inbound pipeline batch (up to 1,000 originals read in one query).", tags: null,
            advice: Seconds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120));
        _sendAttempts = meter.CreateCounter<long>("madoguchi.send.attempts", "{attempt}",
            "Outbox send attempts by outcome: sent, retrying (temporary failure) or failed (permanent); failures carry their stable error code.");
        _sent = meter.CreateCounter<long>("madoguchi.send.messages.sent", "{message}",
            "Outbox messages the SMTP server accepted (送信済み).");
        _sendFailed = meter.CreateCounter<long>("madoguchi.send.messages.failed", "{message}",
            "Outbox messages that ended 送信エラー (permanent failure, or retries ran out), by stable error code.");
        _bounced = meter.CreateCounter<long>("madoguchi.send.messages.bounced", "{message}",
            "Bounce reports received and matched to a message we sent.");
        _sent.Add(0);
        _bounced.Add(0);
        meter.CreateObservableGauge("madoguchi.pipeline.backlog", () => ObserveBacklog(backlog), "{message}",
            "Originals waiting for the inbound pipeline (counted at most every 15 seconds, not per scrape).");
        meter.CreateObservableGauge("madoguchi.probe.state", () => ObserveStates(probes), null,
            "Latest probe verdict per component: 0 operational, 1 degraded performance, 2 partial outage, 3 major outage.");
        meter.CreateObservableGauge("madoguchi.probe.last_check.timestamp", () => ObserveCheckTimes(probes), "s",
            "When this instance last probed each component, in seconds since the Unix epoch.");

        // Both protocols' series exist from the start (at 0), so a rate over them is defined before the first message.
        foreach (var protocol in (ReadOnlySpan<KeyValuePair<string, object?>>)[Imap, Pop3])
        {
            _fetched.Add(0, protocol);
            _stored.Add(0, protocol);
            _failed.Add(0, protocol);
        }
    }

    /// <summary>One committed batch of a fetch pass.</summary>
    public void BatchCommitted(ReceiveProtocol protocol, int stored, int duplicates, int failed)
    {
        var tag = Tag(protocol);
        _fetched.Add(stored + duplicates, tag);
        _stored.Add(stored, tag);
        if (failed > 0)
            _failed.Add(failed, tag);
    }

    /// <summary>One outbox attempt: <paramref name="outcome"/> is "sent", "retrying" or "failed"; the code is a <c>SendErrorCode</c>.</summary>
    public void SendAttempted(string outcome, string? errorCode) =>
        _sendAttempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("error.code", errorCode ?? ""));

    /// <summary>An outbox message ended 送信済み.</summary>
    public void MessageSent() => _sent.Add(1);

    /// <summary>An outbox message ended 送信エラー; the code is a <c>SendErrorCode</c>.</summary>
    public void MessageSendFailed(string errorCode) => _sendFailed.Add(1, new KeyValuePair<string, object?>("error.code", errorCode));

    /// <summary>Bounce reports matched to sent messages in one committed pipeline batch.</summary>
    public void MessagesBounced(int count) => _bounced.Add(count);

    /// <summary>A message set aside outside a batch commit (one that stalled the server twice).</summary>
    public void MessageFailed(ReceiveProtocol protocol) => _failed.Add(1, Tag(protocol));

    /// <param name="errorCode">A <see cref="Receiving.ReceiveErrorCode"/> constant, or null when the pass succeeded.</param>
    public void PassDone(ReceiveProtocol protocol, string? errorCode, TimeSpan duration)
    {
        var tag = Tag(protocol);
        if (errorCode is null)
            _passes.Add(1, tag, new("outcome", "success"));
        else
            _passes.Add(1, tag, new("outcome", "failure"), new("error.type", errorCode));
        _passDuration.Record(duration.TotalSeconds, tag);
    }

    public void PipelineBatchDone(PipelineRunCounts counts, TimeSpan duration)
    {
        _pipelineMessages.Add(counts.Processed, new KeyValuePair<string, object?>("outcome", "processed"));
        _pipelineMessages.Add(counts.Failed, new KeyValuePair<string, object?>("outcome", "failed"));
        _batchDuration.Record(duration.TotalSeconds);
    }

    private static InstrumentAdvice<double> Seconds(params double[] boundaries) => new() { HistogramBucketBoundaries = boundaries };

    private static KeyValuePair<string, object?> Tag(ReceiveProtocol protocol) => protocol == ReceiveProtocol.Pop3 ? Pop3 : Imap;

    private static IEnumerable<Measurement<long>> ObserveBacklog(PipelineBacklog backlog) =>
        backlog.Latest is { } count ? [new Measurement<long>(count)] : [];

    private static IEnumerable<Measurement<int>> ObserveStates(ProbeStateBoard probes) =>
        probes.Snapshot().Select(p => new Measurement<int>((int)p.State, ComponentTag(p.Component)));

    private static IEnumerable<Measurement<double>> ObserveCheckTimes(ProbeStateBoard probes) =>
        probes.Snapshot().Select(p => new Measurement<double>(
            (DateTime.SpecifyKind(p.CheckedAt, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalSeconds, ComponentTag(p.Component)));

    private static KeyValuePair<string, object?> ComponentTag(StatusComponent component) =>
        new("component", component.ToString().ToLowerInvariant());
}
