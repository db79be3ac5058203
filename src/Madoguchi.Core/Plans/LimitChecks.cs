using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Plans;

/// <summary>The checks that refuse a new user (an invitation counts) or a new inbox beyond the account's limit, and a send
/// address with its own SMTP server when the plan does not include it. The message says how an owner requests more and
/// names the owners everyone else can ask.</summary>
/// <remarks>The user and inbox checks count, then the caller adds: two creations at once could both count one below the
/// limit and both add. So they must run inside the caller's transaction, which also adds the row, and they first take the
/// account's write lock (<see cref="AccountWriteLock"/>): the second creation waits for the first to commit and then
/// counts its row.</remarks>
public sealed class LimitChecks(MadoguchiDbContext db, IAccountLimitsReader limits, AccountFeaturesReader features)
{
    public async Task<Error?> CheckNewUserAsync(Guid accountId, CancellationToken ct)
    {
        await AccountWriteLock.TakeAsync(db, accountId, ct);
        var limit = (await limits.GetAsync(accountId, ct)).Users;
        var used = await db.Users.CountAsync(u => u.AccountId == accountId, ct);
        return used < limit ? null : new Error(ErrorKind.Conflict, "user_limit_reached",
            $"This account already has its {limit} users (invited and locked users count). {await WhoToAskAsync(accountId, "users", ct)}");
    }

    public async Task<Error?> CheckNewInboxAsync(Guid accountId, CancellationToken ct)
    {
        await AccountWriteLock.TakeAsync(db, accountId, ct);
        var limit = (await limits.GetAsync(accountId, ct)).Inboxes;
        var used = await db.Inboxes.CountAsync(i => i.AccountId == accountId, ct);
        return used < limit ? null : new Error(ErrorKind.Conflict, "inbox_limit_reached",
            $"This account already has its {limit} inboxes. {await WhoToAskAsync(accountId, "inboxes", ct)}");
    }

    /// <summary>独自の送信設定: a send address names its own SMTP server, which only plans with custom SMTP include.</summary>
    public async Task<Error?> CheckCustomSmtpAsync(Guid accountId, CancellationToken ct)
    {
        if ((await features.GetAsync(accountId, ct)).CustomSmtp)
            return null;
        var owners = await OwnersAsync(accountId, ct);
        return new Error(ErrorKind.Forbidden, "custom_smtp_not_in_plan",
            "This account's plan does not include custom SMTP send settings (独自の送信設定). An account owner can ask for a plan that "
            + "includes them in System settings › Plan and options (その他のオプション); "
            + $"anyone else, ask an owner: {string.Join(", ", owners)}.");
    }

    private async Task<string> WhoToAskAsync(Guid accountId, string what, CancellationToken ct) =>
        $"An account owner can request more {what} in System settings › Plan and options (オプション追加申込み); "
        + $"anyone else, ask an owner: {string.Join(", ", await OwnersAsync(accountId, ct))}.";

    private Task<List<string>> OwnersAsync(Guid accountId, CancellationToken ct) =>
        db.Users.AsNoTracking().Where(u => u.AccountId == accountId && u.IsOwner).OrderBy(u => u.CreatedAt)
            .Select(u => u.FamilyName + " " + u.GivenName).ToListAsync(ct);
}

/// <summary>Serialises the changes that count an account's rows before adding one (a new user, a new inbox): a no-op update
/// of the account's row inside the caller's transaction. On PostgreSQL it holds the row's lock until commit, so a second
/// transaction's update waits and then, at read committed, counts the first one's row; on SQLite the transaction
/// (<c>BEGIN IMMEDIATE</c>) already holds the database's one write lock, which the update keeps.</summary>
internal static class AccountWriteLock
{
    public static async Task TakeAsync(MadoguchiDbContext db, Guid accountId, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("A limit check counts and adds in one transaction: begin it before the check.");
        await db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(s => s.SetProperty(a => a.Name, a => a.Name), ct);
    }
}
