namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>One small step of the inbound pipeline. Steps run in ascending <see cref="Order"/> on one message, inside that
/// message's transaction; a step that throws fails only its message (recorded as the original's ProcessingError).</summary>
public interface IInboundStep
{
    int Order { get; }

    Task RunAsync(InboundMessage message, CancellationToken ct);
}

/// <summary>The step orders, with gaps so later features (bounces, auto rules, indexing) slot in between.</summary>
public static class InboundStepOrder
{
    public const int Parse = 100;
    public const int AutoReplyDetection = 200;
    public const int SpamVerdict = 300;
    public const int Threading = 400;
    public const int Store = 500;
    public const int StorageUsage = 600;
}
