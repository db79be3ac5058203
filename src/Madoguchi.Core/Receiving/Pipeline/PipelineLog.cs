using Microsoft.Extensions.Logging;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Log messages of the inbound pipeline (event ids 2500–2599, inside Receiving's 2000–2999).</summary>
internal static partial class PipelineLog
{
    [LoggerMessage(2500, LogLevel.Error, "The inbound pipeline failed on original {RawMessageId} of inbox {InboxId}; its ProcessingError is recorded and the others go on.")]
    public static partial void MessageFailed(ILogger logger, Exception exception, Guid rawMessageId, Guid inboxId);

    [LoggerMessage(2501, LogLevel.Error, "Could not record the processing error of original {RawMessageId}.")]
    public static partial void ErrorNotRecorded(ILogger logger, Exception exception, Guid rawMessageId);

    [LoggerMessage(2502, LogLevel.Information, "Inbound pipeline: {Processed} message(s) processed ({Created} new, {Replaced} replaced), {Failed} failed.")]
    public static partial void BatchDone(ILogger logger, int processed, int created, int replaced, int failed);

    [LoggerMessage(2503, LogLevel.Error, "The inbound pipeline worker's pass failed; it tries again at its next wake-up.")]
    public static partial void PassFailed(ILogger logger, Exception exception);

    [LoggerMessage(2504, LogLevel.Warning, "Could not count the inbound pipeline's backlog ({Reason}); the metric keeps its last value.")]
    public static partial void BacklogNotCounted(ILogger logger, string reason);
}
