using Madoguchi.Core.Storage;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Writes each attachment's decoded bytes to the blob store before the transaction opens. The writes are deferred:
/// <see cref="InboundPipeline.PrepareAsync"/> makes all of a batch's blobs durable with one flush before it returns, so the
/// rows the store step adds still only ever point at durable blobs.</summary>
internal sealed class AttachmentBlobStep(IBlobStore blobs) : IInboundStep
{
    public int Order => InboundStepOrder.AttachmentBlobs;

    public InboundStepPhase Phase => InboundStepPhase.Prepare;

    public async Task RunAsync(InboundMessage message, CancellationToken ct)
    {
        var parts = message.Parsed.Attachments;
        var written = new BlobRef[parts.Count];
        for (var i = 0; i < parts.Count; i++)
            written[i] = await blobs.PutDeferredAsync(parts[i].Content, ct);
        message.AttachmentBlobs = written;
    }
}
