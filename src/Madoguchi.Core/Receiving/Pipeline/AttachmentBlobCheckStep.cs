using Madoguchi.Core.Data;
using Madoguchi.Core.Storage;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Inside the transaction, before any row points at an attachment blob: locks each of the batch's attachment blobs
/// against deletion (<see cref="BlobLocks"/>) and checks the file is still there. A blob the prepare step found already
/// stored may have been removed since by the deletion of the last message that held it (empty trash, retention); it is
/// written again from the parsed bytes, durably, so a new message never points at a missing file.</summary>
internal sealed class AttachmentBlobCheckStep(MadoguchiDbContext db, IBlobStore blobs) : IInboundBatchStep
{
    public int Order => InboundStepOrder.AttachmentBlobCheck;

    public InboundStepPhase Phase => InboundStepPhase.Transaction;

    public async Task BeforeBatchAsync(IReadOnlyList<InboundMessage> batch, CancellationToken ct)
    {
        var parts = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var message in batch)
        {
            var written = message.AttachmentBlobs;
            for (var i = 0; i < written.Count; i++)
                parts.TryAdd(written[i].Hash, message.Parsed.Attachments[i].Content);
        }
        if (parts.Count == 0)
            return;
        await BlobLocks.LockSharedAsync(db, parts.Keys, ct);
        foreach (var (hash, content) in parts)
        {
            if (await blobs.CheckAsync(hash, content.LongLength, verifyContent: false, ct) != BlobCondition.Intact)
                await blobs.PutAsync(content, ct);
        }
    }

    public Task RunAsync(InboundMessage message, CancellationToken ct) => Task.CompletedTask;
}
