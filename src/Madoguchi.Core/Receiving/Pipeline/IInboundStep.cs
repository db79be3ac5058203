namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>One small step of the inbound pipeline. Steps run in ascending <see cref="Order"/> on one message; a step that
/// throws fails only its message (recorded as the original's ProcessingError).</summary>
public interface IInboundStep
{
    int Order { get; }

    /// <summary>Prepare steps come first and run on several originals at once, outside the transaction; the others run
    /// one message after another inside it.</summary>
    InboundStepPhase Phase { get; }

    Task RunAsync(InboundMessage message, CancellationToken ct);
}

/// <summary>A transaction step that looks at the whole batch first, so it needs one query per batch instead of one per message.</summary>
public interface IInboundBatchStep : IInboundStep
{
    /// <summary>Runs once per transaction, before any message of <paramref name="batch"/> reaches <see cref="IInboundStep.RunAsync"/>.</summary>
    Task BeforeBatchAsync(IReadOnlyList<InboundMessage> batch, CancellationToken ct);
}

public enum InboundStepPhase
{
    /// <summary>No database and no shared state (parse, header checks, attachment blobs): safe to run in parallel, and
    /// whatever it writes (blobs) is durable before the transaction that points at it.</summary>
    Prepare,

    /// <summary>Inside the batch's transaction, in processing order (threading must see the messages before).</summary>
    Transaction,
}

/// <summary>The step orders, with gaps so later features (bounces, auto rules, indexing) slot in between.</summary>
public static class InboundStepOrder
{
    public const int Parse = 100;
    public const int AutoReplyDetection = 200;
    public const int BounceDetection = 250;
    public const int SpamVerdict = 300;
    public const int AttachmentBlobs = 350;
    public const int SearchFold = 360;
    public const int AttachmentBlobCheck = 380;
    public const int OwnSentCopy = 390;
    public const int Threading = 400;
    public const int BounceMatching = 450;
    public const int Store = 500;
    public const int SearchIndex = 550;
    public const int StorageUsage = 600;
}
