using System.Security.Claims;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Web.Authentication;

/// <summary>A session stays valid only while its user is active and the security stamp is unchanged, so a lock,
/// a deletion, a password change or the account's suspension ends every open session on the next request.</summary>
public sealed class SessionValidator(MadoguchiDbContext db)
{
    public async Task<bool> IsStillValidAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        var id = principal.GetId();
        var stamp = principal.FindFirstValue(MadoguchiClaims.Stamp);
        if (id is null || stamp is null)
            return false;
        if (principal.IsOperator())
            return await db.Operators.Where(o => o.Id == id && o.SecurityStamp == stamp && o.LockedAt == null).Prepared().AnyAsync(ct);
        // A suspended account's sessions end too (利用停止); they work again only after a new sign-in once it is resumed.
        return await db.Users.Where(u => u.Id == id && u.SecurityStamp == stamp && u.State == UserState.Active)
            .Join(db.Accounts.Where(a => a.SuspendedAt == null), u => u.AccountId, a => a.Id, (u, a) => u.Id).Prepared().AnyAsync(ct);
    }
}
