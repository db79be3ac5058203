using Madoguchi.Core.Storage;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Counts a newly stored message's original in the account's storage use, in the message's transaction: once
/// per account (the same original in two inboxes is one), never again on a reprocess. Only counts: receiving never
/// stops because an account is over its storage limit.</summary>
internal sealed class StorageUsageStep(PendingStorageUsage usage) : IInboundStep
{
    public int Order => InboundStepOrder.StorageUsage;

    public InboundStepPhase Phase => InboundStepPhase.Transaction;

    public Task RunAsync(InboundMessage message, CancellationToken ct)
    {
        if (message.Previous is null)
            usage.Count(message.Raw.AccountId, message.Raw.BlobHash, message.Raw.Size);
        return Task.CompletedTask;
    }
}
