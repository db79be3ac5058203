using Madoguchi.Core.Data;
using Madoguchi.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Adds the stored message's size to the account's storage use, in the message's transaction. Only counts:
/// receiving never stops because an account is over its storage limit.</summary>
internal sealed class StorageUsageStep(MadoguchiDbContext db, TimeProvider time) : IInboundStep
{
    public int Order => InboundStepOrder.StorageUsage;

    public async Task RunAsync(InboundMessage message, CancellationToken ct)
    {
        if (message.AddedBytes == 0 && message.AddedMessages == 0)
            return;
        var accountId = message.Raw.AccountId;
        var bytes = message.AddedBytes;
        var count = message.AddedMessages;
        var now = time.GetUtcNow().UtcDateTime;
        var updated = await db.AccountStorageUsages.Where(u => u.AccountId == accountId).ExecuteUpdateAsync(s => s
            .SetProperty(u => u.Bytes, u => u.Bytes + bytes)
            .SetProperty(u => u.MessageCount, u => u.MessageCount + count)
            .SetProperty(u => u.UpdatedAt, now), ct);
        if (updated == 0)
            db.AccountStorageUsages.Add(new AccountStorageUsage { AccountId = accountId, Bytes = bytes, MessageCount = count, UpdatedAt = now });
    }
}
