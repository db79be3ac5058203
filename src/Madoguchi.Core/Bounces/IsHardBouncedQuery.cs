using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Bounces;

/// <summary>Which of these addresses hard-bounced before for this account (compose warns before mailing them again).
/// Compared case-insensitively; answers each flagged address with its last status and reason.</summary>
public sealed class IsHardBouncedQuery(MadoguchiDbContext db)
{
    public async Task<IReadOnlyList<HardBounceFlag>> HandleAsync(Guid accountId, IEnumerable<string> addresses, CancellationToken ct)
    {
        var wanted = addresses.Select(a => a.Trim().ToLowerInvariant()).Where(a => a.Length is > 0 and <= 320).Distinct().ToList();
        if (wanted.Count == 0)
            return [];
        return await db.Set<HardBouncedAddress>().AsNoTracking()
            .Where(a => a.AccountId == accountId && wanted.Contains(a.Address))
            .OrderBy(a => a.Address)
            .Select(a => new HardBounceFlag(a.Address, a.Status, a.Reason, a.LastBouncedAt))
            .ToListAsync(ct);
    }
}

public sealed record HardBounceFlag(string Address, string Status, string Reason, DateTime LastBouncedAt);
