using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Accounts.Owners;

internal static class OwnerRules
{
    public static Error LastOwner() => new(ErrorKind.Conflict, "last_owner",
        "An account always keeps at least one owner. Make another user an owner first.");

    /// <summary>Counts the account's owners after reading its ownership stamp, so that <see cref="SaveOwnershipChangeAsync"/>
    /// fails when the owners change between this count and the save (two owners revoking each other at once).</summary>
    public static async Task<int> CountOwnersAsync(MadoguchiDbContext db, Guid accountId, CancellationToken ct)
    {
        await db.Accounts.SingleAsync(a => a.Id == accountId, ct);
        return await db.Users.CountAsync(u => u.AccountId == accountId && u.IsOwner, ct);
    }

    /// <summary>Saves a change to the set of owners under the account's ownership stamp; a concurrent
    /// change makes this one fail instead of leaving the account without owners.</summary>
    public static async Task<Result> SaveOwnershipChangeAsync(MadoguchiDbContext db, Guid accountId, CancellationToken ct)
    {
        var account = await db.Accounts.SingleAsync(a => a.Id == accountId, ct);
        account.OwnershipStamp = Guid.NewGuid();
        try
        {
            await db.SaveChangesAsync(ct);
            return Result.Ok();
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Error(ErrorKind.Conflict, "concurrent_owner_change", "Someone changed the account owners at the same moment. Reload and try again.");
        }
    }
}
