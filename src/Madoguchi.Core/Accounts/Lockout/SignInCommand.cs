using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Accounts.Lockout;

public enum SignInOutcome
{
    Succeeded,

    /// <summary>Unknown email, invited user without a password, or wrong password: one answer for all, so nobody learns which emails exist.</summary>
    InvalidCredentials,

    /// <summary>Locked (ロック中): refused even with the right password until an owner restores the user.</summary>
    Locked,

    /// <summary>The right password, but the account is suspended by the people running the installation (利用停止);
    /// the reason they gave is in <see cref="SignInResult.SuspensionReason"/>.</summary>
    AccountSuspended,
}

public sealed record SignInResult(SignInOutcome Outcome, User? User, string? SuspensionReason = null);

/// <summary>Checks a user's email and password and applies the lockout rules.</summary>
public sealed class SignInCommand(
    MadoguchiDbContext db,
    IPasswordHasher<User> hasher,
    AuditTrail audit,
    TimeProvider time,
    IOptions<SignInLockoutOptions> options,
    UnknownAddressLockout unknownAddresses,
    DummyPasswordCheck dummy)
{
    private readonly PasswordCheckOnce<User> _password = new(hasher);

    public Task<SignInResult> HandleAsync(string email, string password, string? ipAddress, CancellationToken ct) =>
        LostRaceRetry.RunAsync(db, () => AttemptAsync(email, password, ipAddress, ct));

    private async Task<SignInResult> AttemptAsync(string email, string password, string? ipAddress, CancellationToken ct)
    {
        var normalized = Emails.Normalize(email ?? "");
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, ct);
        if (user is null || user.PasswordHash is null)
        {
            // Nothing to check, but the answers are a real address's: "wrong" with the same work, then "locked" after
            // the fifth try, for good. So neither the time nor the lock tells whether the email exists.
            var locked = await unknownAddresses.RefuseAsync("user", email, password, dummy, ct);
            return new SignInResult(locked ? SignInOutcome.Locked : SignInOutcome.InvalidCredentials, null);
        }

        if (user.State == UserState.Locked)
            return new SignInResult(SignInOutcome.Locked, null);

        var verification = _password.Verify(user, user.PasswordHash, password ?? "");
        var policy = new LockoutPolicy(options.Value.MaxFailedAttempts, time);
        var actor = Actor.User(user.Id, user.AccountId, user.Email, ipAddress);
        if (verification == PasswordVerificationResult.Failed)
        {
            var locked = policy.RegisterFailure(user);
            audit.Record(AuditAction.SignInFailed, user.AccountId, actor, user, $"wrong password ({user.FailedSignInCount} in a row)");
            if (locked)
                audit.Record(AuditAction.UserLocked, user.AccountId, actor, user, $"{user.FailedSignInCount} wrong passwords in a row");
            await db.SaveChangesAsync(ct);
            return new SignInResult(locked ? SignInOutcome.Locked : SignInOutcome.InvalidCredentials, null);
        }

        if (verification == PasswordVerificationResult.SuccessRehashNeeded)
            user.PasswordHash = hasher.HashPassword(user, password!);
        var suspension = await db.Accounts.Where(a => a.Id == user.AccountId && a.SuspendedAt != null).Select(a => a.SuspensionReason).ToListAsync(ct);
        if (suspension.Count > 0)
        {
            // Only someone who knows the password learns the account is suspended, and why.
            user.FailedSignInCount = 0;
            await db.SaveChangesAsync(ct);
            return new SignInResult(SignInOutcome.AccountSuspended, null, suspension[0] ?? "");
        }
        policy.RegisterSuccess(user);
        await db.SaveChangesAsync(ct);
        return new SignInResult(SignInOutcome.Succeeded, user);
    }
}
