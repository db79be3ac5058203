namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>Which failures, met while the server was sending one message, count against that message: the server
/// stopped answering (<see cref="ReceiveErrorCode.MessageTimedOut"/>) or closed the connection
/// (<see cref="ReceiveErrorCode.ConnectionDropped"/>). Anything else (a refusal, a failure of our own store) is not an
/// interruption. The text is ours, never the exception's. Pure.</summary>
public static class MessageInterruption
{
    /// <summary>The interruption for the message at <paramref name="position"/>, or null when <paramref name="failure"/> is not one.</summary>
    public static RefusalDraft? Of(Exception failure, FetchContext context, string position, string? folder = null, long? uidValidity = null, long? uid = null, string? uidl = null)
    {
        var (code, text) = ReceiveFailureClassifier.Classify(failure, context.Certificate).Code switch
        {
            ReceiveErrorCode.TimedOut => (ReceiveErrorCode.MessageTimedOut,
                $"No answer within {context.Options.Timeout.TotalSeconds:0} s while the server was sending this message."),
            ReceiveErrorCode.ConnectionLost => (ReceiveErrorCode.ConnectionDropped, "The server closed the connection while sending this message."),
            _ => (null, null),
        };
        return code is null ? null : new RefusalDraft(position, code, text, folder, uidValidity, uid, uidl);
    }
}
