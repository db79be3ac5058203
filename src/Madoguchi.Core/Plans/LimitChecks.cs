using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Plans;

/// <summary>The checks that refuse a new user (an invitation counts) or a new inbox beyond the account's limit. The
/// message says how an owner requests more and names the owners everyone else can ask.</summary>
public sealed class LimitChecks(MadoguchiDbContext db, IAccountLimitsReader limits)
{
    public async Task<Error?> CheckNewUserAsync(Guid accountId, CancellationToken ct)
    {
        var limit = (await limits.GetAsync(accountId, ct)).Users;
        var used = await db.Users.CountAsync(u => u.AccountId == accountId, ct);
        return used < limit ? null : new Error(ErrorKind.Conflict, "user_limit_reached",
            $"This account already has its {limit} users (invited and locked users count). {await WhoToAskAsync(accountId, "users", ct)}");
    }

    public async Task<Error?> CheckNewInboxAsync(Guid accountId, CancellationToken ct)
    {
        var limit = (await limits.GetAsync(accountId, ct)).Inboxes;
        var used = await db.Inboxes.CountAsync(i => i.AccountId == accountId, ct);
        return used < limit ? null : new Error(ErrorKind.Conflict, "inbox_limit_reached",
            $"This account already has its {limit} inboxes. {await WhoToAskAsync(accountId, "inboxes", ct)}");
    }

    private async Task<string> WhoToAskAsync(Guid accountId, string what, CancellationToken ct)
    {
        var owners = await db.Users.AsNoTracking().Where(u => u.AccountId == accountId && u.IsOwner).OrderBy(u => u.CreatedAt)
            .Select(u => u.FamilyName + " " + u.GivenName).ToListAsync(ct);
        return $"An account owner can request more {what} in System settings › Plan and options (オプション追加申込み); "
            + $"anyone else, ask an owner: {string.Join(", ", owners)}.";
    }
}
