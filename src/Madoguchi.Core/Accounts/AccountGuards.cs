using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Accounts;

/// <summary>The checks every account action starts with, read fresh from the database so that a
/// revoked owner or a locked user loses their rights on the next request.</summary>
public static class AccountGuards
{
    public static async Task<Result<User>> RequireActiveUserAsync(this MadoguchiDbContext db, Actor actor, CancellationToken ct)
    {
        if (!actor.IsUser)
            return new Error(ErrorKind.Forbidden, "users_only", "Only a user of the account can do this.");
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == actor.Id && u.AccountId == actor.AccountId, ct);
        if (user is null || user.State != UserState.Active)
            return new Error(ErrorKind.Unauthorized, "session_ended", "Your session has ended. Sign in again.");
        return user;
    }

    public static async Task<Result<User>> RequireOwnerAsync(this MadoguchiDbContext db, Actor actor, CancellationToken ct)
    {
        var user = await db.RequireActiveUserAsync(actor, ct);
        if (!user.Succeeded)
            return user;
        return user.Value!.IsOwner ? user : Error.OwnersOnly();
    }

    /// <summary>A user of the actor's own account. Users of other accounts are reported as not found, never as forbidden.</summary>
    public static Task<User?> FindUserInAccountAsync(this MadoguchiDbContext db, Guid accountId, Guid userId, CancellationToken ct) =>
        db.Users.SingleOrDefaultAsync(u => u.Id == userId && u.AccountId == accountId, ct);
}
