using Madoguchi.Core.Accounts.Lockout;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Operators;

/// <summary>What an operator does after the password: enter a code from the authenticator (or a recovery code), or,
/// without TOTP yet, enrol first. The console is reached only after that second step.</summary>
public enum OperatorNextStep
{
    None,
    EnterCode,
    Enrol,
}

/// <summary><see cref="SignInOutcome.Succeeded"/> here means "the password was right": the second step
/// (<see cref="NextStep"/>) still has to pass before a session is issued.</summary>
public sealed record OperatorSignInResult(SignInOutcome Outcome, Operator? Operator, OperatorNextStep NextStep = OperatorNextStep.None);

/// <summary>Operators sign in under the users' rules (<see cref="SignInCommand"/>): the same lockout policy, every
/// parallel wrong password counts (the count is a concurrency token; losers of a race re-read and retry), every
/// failure is audited in the installation's log, an unknown address answers "locked" after five tries like a real
/// one, and an old hash is rehashed. A locked operator is restored from the server console.
/// A right password is only the first step (<see cref="OperatorNextStep"/>): the count of failures in a row is reset by
/// the second (<see cref="TwoFactor.CompleteOperatorSignInCommand"/>), so wrong codes between right passwords still add
/// up to the lock. An operator without TOTP gets a new secret to enrol with (kept pending until confirmed).</summary>
public sealed class OperatorSignInCommand(
    MadoguchiDbContext db,
    IPasswordHasher<Operator> hasher,
    AuditTrail audit,
    TimeProvider time,
    IOptions<SignInLockoutOptions> options,
    UnknownAddressLockout unknownAddresses,
    DummyPasswordCheck dummy,
    TwoFactor.TotpSecretProtector secrets)
{
    private readonly PasswordCheckOnce<Operator> _password = new(hasher);

    public Task<OperatorSignInResult> HandleAsync(string email, string password, string? ipAddress, CancellationToken ct) =>
        LostRaceRetry.RunAsync(db, () => AttemptAsync(email, password, ipAddress, ct));

    private async Task<OperatorSignInResult> AttemptAsync(string email, string password, string? ipAddress, CancellationToken ct)
    {
        var normalized = Emails.Normalize(email ?? "");
        var op = await db.Operators.SingleOrDefaultAsync(o => o.NormalizedEmail == normalized, ct);
        if (op is null)
        {
            var locked = await unknownAddresses.RefuseAsync("operator", email, password, dummy, ct);
            return new OperatorSignInResult(locked ? SignInOutcome.Locked : SignInOutcome.InvalidCredentials, null);
        }
        if (op.LockedAt is not null)
            return new OperatorSignInResult(SignInOutcome.Locked, null);

        var verification = _password.Verify(op, op.PasswordHash, password ?? "");
        var policy = new LockoutPolicy(options.Value.MaxFailedAttempts, time);
        var actor = Actor.Operator(op.Id, op.Email, ipAddress);
        if (verification == PasswordVerificationResult.Failed)
        {
            var locked = policy.RegisterFailure(op);
            audit.RecordInstallation(AuditAction.OperatorSignInFailed, actor, $"wrong password ({op.FailedSignInCount} in a row)");
            if (locked)
                audit.RecordInstallation(AuditAction.OperatorLocked, actor, $"{op.FailedSignInCount} wrong passwords in a row");
            await db.SaveChangesAsync(ct);
            return new OperatorSignInResult(locked ? SignInOutcome.Locked : SignInOutcome.InvalidCredentials, null);
        }

        if (verification == PasswordVerificationResult.SuccessRehashNeeded)
            op.PasswordHash = hasher.HashPassword(op, password!);
        var next = op.ProtectedTotpSecret is null ? OperatorNextStep.Enrol : OperatorNextStep.EnterCode;
        if (next == OperatorNextStep.Enrol && op.ProtectedPendingTotpSecret is null)
            op.ProtectedPendingTotpSecret = secrets.Protect(TwoFactor.Totp.NewSecret());
        await db.SaveChangesAsync(ct);
        return new OperatorSignInResult(SignInOutcome.Succeeded, op, next);
    }
}
