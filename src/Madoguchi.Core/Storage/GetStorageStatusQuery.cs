using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Plans;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Storage;

/// <summary>How full an account's storage is: <see cref="StorageLevel.Low"/> when the space left is under the warning
/// threshold, <see cref="StorageLevel.Over"/> past the limit (mail still arrives and leaves).</summary>
public enum StorageLevel
{
    Ok,
    Low,
    Over,
}

public sealed record StorageStatus(long UsedBytes, long LimitBytes, long RemainingBytes, long ThresholdBytes, StorageLevel Level)
{
    public const long Megabyte = 1024 * 1024;

    /// <summary>Whole megabytes left (rounded down), or over the limit (rounded up), as the banner says them.</summary>
    public long RemainingMb => RemainingBytes >= 0 ? RemainingBytes / Megabyte : -((-RemainingBytes + Megabyte - 1) / Megabyte);

    public static StorageStatus For(long used, long limit, StorageUseOptions options)
    {
        var threshold = Math.Max(limit * options.WarnPercent / 100, options.WarnMinimumMb * Megabyte);
        var remaining = limit - used;
        var level = remaining < 0 ? StorageLevel.Over : remaining < threshold ? StorageLevel.Low : StorageLevel.Ok;
        return new StorageStatus(used, limit, remaining, threshold, level);
    }
}

/// <summary>The signed-in user's account storage use against its limit (any user of the account: the banner is for everyone).</summary>
public sealed class GetStorageStatusQuery(MadoguchiDbContext db, IAccountLimitsReader limits, IOptions<StorageUseOptions> options)
{
    public async Task<Result<StorageStatus>> HandleAsync(Actor actor, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        return await ForAccountAsync(actor.AccountId!.Value, ct);
    }

    internal async Task<StorageStatus> ForAccountAsync(Guid accountId, CancellationToken ct)
    {
        var used = await db.AccountStorageUsages.AsNoTracking().Where(u => u.AccountId == accountId).Select(u => (long?)u.Bytes).SingleOrDefaultAsync(ct) ?? 0;
        var limit = (await limits.GetAsync(accountId, ct)).StorageBytes;
        return StorageStatus.For(used, limit, options.Value);
    }
}
