using Madoguchi.Core.Accounts.Lockout;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Operators;

public sealed record OperatorSignInResult(SignInOutcome Outcome, Operator? Operator);

/// <summary>Operators sign in under the users' rules (<see cref="SignInCommand"/>): the same lockout policy, every
/// parallel wrong password counts (the count is a concurrency token; losers of a race re-read and retry), every
/// failure is audited in the installation's log, an unknown address answers "locked" after five tries like a real
/// one, and an old hash is rehashed. A locked operator is restored from the server console.</summary>
public sealed class OperatorSignInCommand(
    MadoguchiDbContext db,
    IPasswordHasher<Operator> hasher,
    AuditTrail audit,
    TimeProvider time,
    IOptions<SignInLockoutOptions> options,
    UnknownAddressLockout unknownAddresses,
    DummyPasswordCheck dummy)
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
        op.FailedSignInCount = 0;
        await db.SaveChangesAsync(ct);
        return new OperatorSignInResult(SignInOutcome.Succeeded, op);
    }
}
