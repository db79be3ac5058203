using System.Security.Claims;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Web.Authentication;

/// <summary>A session stays valid only while its user is active and the security stamp is unchanged, so a lock,
/// a deletion or a password change ends every open session on the next request.</summary>
public sealed class SessionValidator(MadoguchiDbContext db)
{
    public async Task<bool> IsStillValidAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        var id = principal.GetId();
        var stamp = principal.FindFirstValue(MadoguchiClaims.Stamp);
        if (id is null || stamp is null)
            return false;
        if (principal.IsOperator())
            return await db.Operators.AnyAsync(o => o.Id == id && o.SecurityStamp == stamp && o.LockedAt == null, ct);
        return await db.Users.AnyAsync(u => u.Id == id && u.SecurityStamp == stamp && u.State == UserState.Active, ct);
    }
}
