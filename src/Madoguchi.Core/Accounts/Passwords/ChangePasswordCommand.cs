using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.AspNetCore.Identity;

namespace Madoguchi.Core.Accounts.Passwords;

/// <summary>A signed-in user changes their own password. Other sessions of the user end.</summary>
public sealed class ChangePasswordCommand(MadoguchiDbContext db, IPasswordHasher<User> hasher, AuditTrail audit)
{
    public async Task<Result<User>> HandleAsync(Actor actor, string currentPassword, string newPassword, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var user = me.Value!;
        if (hasher.VerifyHashedPassword(user, user.PasswordHash ?? "", currentPassword ?? "") == PasswordVerificationResult.Failed)
            return new Error(ErrorKind.Invalid, "wrong_current_password", "The current password is not right.");
        var invalid = UserRules.CheckPassword(newPassword);
        if (invalid is not null)
            return invalid;

        user.PasswordHash = hasher.HashPassword(user, newPassword);
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        audit.Record(AuditAction.PasswordChanged, user.AccountId, actor, user);
        await db.SaveChangesAsync(ct);
        return user;
    }
}
