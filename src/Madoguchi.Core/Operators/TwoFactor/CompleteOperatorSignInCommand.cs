using Madoguchi.Core.Accounts.Lockout;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Operators.TwoFactor;

/// <summary>The second step of an operator's sign-in: a code from the authenticator app or one of the recovery codes.
/// Wrong codes count with wrong passwords under the same <see cref="LockoutPolicy"/> (five in a row lock, audited, parallel
/// attempts all count); an authenticator code is accepted once (its time step is remembered, a concurrency token); a
/// recovery code is spent by one atomic update. <paramref name="securityStamp"/> is the one the password step saw, so a
/// lock or a 2FA reset in between ends the half-finished sign-in.</summary>
public sealed class CompleteOperatorSignInCommand(
    MadoguchiDbContext db,
    TotpSecretProtector secrets,
    AuditTrail audit,
    TimeProvider time,
    IOptions<SignInLockoutOptions> options)
{
    public Task<OperatorSignInResult> HandleAsync(Guid operatorId, string securityStamp, string code, string? ipAddress, CancellationToken ct) =>
        LostRaceRetry.RunAsync(db, () => AttemptAsync(operatorId, securityStamp, code, ipAddress, ct));

    private async Task<OperatorSignInResult> AttemptAsync(Guid operatorId, string securityStamp, string code, string? ipAddress, CancellationToken ct)
    {
        var op = await db.Operators.SingleOrDefaultAsync(o => o.Id == operatorId, ct);
        if (op is null || op.SecurityStamp != securityStamp || op.ProtectedTotpSecret is null)
            return new OperatorSignInResult(op?.LockedAt is not null ? SignInOutcome.Locked : SignInOutcome.InvalidCredentials, null);
        if (op.LockedAt is not null)
            return new OperatorSignInResult(SignInOutcome.Locked, null);

        var actor = Actor.Operator(op.Id, op.Email, ipAddress);
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (RecoveryCodes.IsAuthenticatorCode(code))
        {
            var step = Totp.Match(secrets.Unprotect(op.ProtectedTotpSecret), code, now, op.LastTotpStep);
            if (step is null)
                return await FailAsync(op, actor, transaction, "wrong or already used authenticator code", ct);
            op.LastTotpStep = step;
        }
        else
        {
            var hash = RecoveryCodes.Hash(code);
            var spent = await db.OperatorRecoveryCodes.Where(c => c.OperatorId == op.Id && c.CodeHash == hash && c.UsedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.UsedAt, now.UtcDateTime), ct);
            if (spent == 0)
                return await FailAsync(op, actor, transaction, "wrong or already used recovery code", ct);
            var left = await db.OperatorRecoveryCodes.CountAsync(c => c.OperatorId == op.Id && c.UsedAt == null, ct);
            audit.RecordInstallation(AuditAction.OperatorRecoveryCodeUsed, actor, $"{left} recovery codes left");
        }
        op.FailedSignInCount = 0;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new OperatorSignInResult(SignInOutcome.Succeeded, op);
    }

    private async Task<OperatorSignInResult> FailAsync(Operator op, Actor actor, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, string what, CancellationToken ct)
    {
        var locked = OperatorCodeFailure.Register(op, actor, what, audit, new LockoutPolicy(options.Value.MaxFailedAttempts, time));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new OperatorSignInResult(locked ? SignInOutcome.Locked : SignInOutcome.InvalidCredentials, null);
    }
}

/// <summary>A wrong second-factor code, counted and audited like a wrong password.</summary>
internal static class OperatorCodeFailure
{
    public static bool Register(Operator op, Actor actor, string what, AuditTrail audit, LockoutPolicy policy)
    {
        var locked = policy.RegisterFailure(op);
        audit.RecordInstallation(AuditAction.OperatorTwoFactorFailed, actor, $"{what} ({op.FailedSignInCount} failures in a row)");
        if (locked)
            audit.RecordInstallation(AuditAction.OperatorLocked, actor, $"{op.FailedSignInCount} wrong passwords or codes in a row");
        return locked;
    }
}
