using Madoguchi.Core.Data;
using Madoguchi.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Adds the stored message's size to the account's storage use, in the message's transaction. Only counts:
/// receiving never stops because an account is over its storage limit.</summary>
internal sealed class StorageUsageStep(PendingStorageUsage usage) : IInboundStep
{
    public int Order => InboundStepOrder.StorageUsage;

    public InboundStepPhase Phase => InboundStepPhase.Transaction;

    public Task RunAsync(InboundMessage message, CancellationToken ct)
    {
        usage.Add(message.Raw.AccountId, message.AddedBytes, message.AddedMessages);
        return Task.CompletedTask;
    }
}

/// <summary>The storage use a pipeline transaction adds, per account, written just before it commits: one atomic
/// <c>Bytes = Bytes + n</c> per account and transaction, safe beside other instances doing the same.</summary>
public sealed class PendingStorageUsage(MadoguchiDbContext db, TimeProvider time)
{
    private readonly Dictionary<Guid, (long Bytes, int Messages)> _pending = [];

    public void Add(Guid accountId, long bytes, int messages)
    {
        if (bytes == 0 && messages == 0)
            return;
        var (b, m) = _pending.GetValueOrDefault(accountId);
        _pending[accountId] = (b + bytes, m + messages);
    }

    public async Task FlushAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var (accountId, (bytes, count)) in _pending)
        {
            var updated = await db.AccountStorageUsages.Where(u => u.AccountId == accountId).ExecuteUpdateAsync(s => s
                .SetProperty(u => u.Bytes, u => u.Bytes + bytes)
                .SetProperty(u => u.MessageCount, u => u.MessageCount + count)
                .SetProperty(u => u.UpdatedAt, now), ct);
            if (updated == 0)
                db.AccountStorageUsages.Add(new AccountStorageUsage { AccountId = accountId, Bytes = bytes, MessageCount = count, UpdatedAt = now });
        }
        _pending.Clear();
        await db.SaveChangesAsync(ct);
    }
}
