using Madoguchi.Core.Accounts.Lockout;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Accounts.Passwords;

/// <summary>A signed-in user changes their own password. Other sessions of the user end. A wrong current password
/// counts toward the lock exactly like a wrong password at sign-in (a stolen session must not become an unlimited
/// password oracle): audited, and the fifth in a row locks the user and ends their sessions.</summary>
public sealed class ChangePasswordCommand(MadoguchiDbContext db, IPasswordHasher<User> hasher, AuditTrail audit, TimeProvider time, IOptions<SignInLockoutOptions> options)
{
    public static readonly Error Locked = new(ErrorKind.Locked, "user_locked",
        "This user is locked after too many wrong passwords. Ask an account owner to unlock it.");

    private readonly PasswordCheckOnce<User> _password = new(hasher);

    public Task<Result<User>> HandleAsync(Actor actor, string currentPassword, string newPassword, CancellationToken ct) =>
        LostRaceRetry.RunAsync(db, () => AttemptAsync(actor, currentPassword, newPassword, ct));

    private async Task<Result<User>> AttemptAsync(Actor actor, string currentPassword, string newPassword, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var user = me.Value!;
        if (_password.Verify(user, user.PasswordHash ?? "", currentPassword ?? "") == PasswordVerificationResult.Failed)
        {
            var locked = new LockoutPolicy(options.Value.MaxFailedAttempts, time).RegisterFailure(user);
            audit.Record(AuditAction.SignInFailed, user.AccountId, actor, user, $"wrong current password in change password ({user.FailedSignInCount} in a row)");
            if (locked)
                audit.Record(AuditAction.UserLocked, user.AccountId, actor, user, $"{user.FailedSignInCount} wrong passwords in a row");
            await db.SaveChangesAsync(ct);
            return locked ? Locked : new Error(ErrorKind.Invalid, "wrong_current_password", "The current password is not right.");
        }
        var invalid = UserRules.CheckPassword(newPassword);
        if (invalid is not null)
            return invalid;

        user.PasswordHash = hasher.HashPassword(user, newPassword);
        user.SecurityStamp = Guid.NewGuid().ToString("N");
        user.FailedSignInCount = 0;
        audit.Record(AuditAction.PasswordChanged, user.AccountId, actor, user);
        await db.SaveChangesAsync(ct);
        return user;
    }
}
