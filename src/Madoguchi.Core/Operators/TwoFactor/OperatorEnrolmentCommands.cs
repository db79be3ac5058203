using Madoguchi.Core.Accounts.Lockout;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Operators.TwoFactor;

/// <summary>The secret an operator types or scans into the authenticator app while enrolling.</summary>
public sealed record TotpEnrolment(string Email, string Secret, string Uri);

/// <summary>The pending secret (made by the password step of an operator without TOTP) for the enrolment page.</summary>
public sealed class GetOperatorTotpEnrolmentQuery(MadoguchiDbContext db, TotpSecretProtector secrets)
{
    public const string Issuer = "Madoguchi";

    public async Task<TotpEnrolment?> HandleAsync(Guid operatorId, string securityStamp, CancellationToken ct)
    {
        var op = await db.Operators.AsNoTracking().SingleOrDefaultAsync(o => o.Id == operatorId && o.SecurityStamp == securityStamp, ct);
        if (op is null || op.LockedAt is not null || op.ProtectedTotpSecret is not null || op.ProtectedPendingTotpSecret is null)
            return null;
        var key = secrets.Unprotect(op.ProtectedPendingTotpSecret);
        return new TotpEnrolment(op.Email, Base32.Encode(key), Totp.EnrolmentUri(Issuer, op.Email, key));
    }
}

public sealed record OperatorEnrolmentResult(SignInOutcome Outcome, Operator? Operator, IReadOnlyList<string> RecoveryCodes);

/// <summary>Confirms enrolment with the first code from the app: the pending secret becomes the operator's, ten recovery
/// codes are made (returned once, stored hashed), the sign-in is complete. A wrong code counts toward the lock like a
/// wrong password.</summary>
public sealed class ConfirmOperatorTotpEnrolmentCommand(
    MadoguchiDbContext db,
    TotpSecretProtector secrets,
    AuditTrail audit,
    TimeProvider time,
    IOptions<SignInLockoutOptions> options)
{
    public Task<OperatorEnrolmentResult> HandleAsync(Guid operatorId, string securityStamp, string code, string? ipAddress, CancellationToken ct) =>
        LostRaceRetry.RunAsync(db, () => AttemptAsync(operatorId, securityStamp, code, ipAddress, ct));

    private async Task<OperatorEnrolmentResult> AttemptAsync(Guid operatorId, string securityStamp, string code, string? ipAddress, CancellationToken ct)
    {
        var op = await db.Operators.SingleOrDefaultAsync(o => o.Id == operatorId, ct);
        if (op is null || op.SecurityStamp != securityStamp || op.LockedAt is not null || op.ProtectedTotpSecret is not null || op.ProtectedPendingTotpSecret is null)
            return new OperatorEnrolmentResult(op?.LockedAt is not null ? SignInOutcome.Locked : SignInOutcome.InvalidCredentials, null, []);

        var actor = Actor.Operator(op.Id, op.Email, ipAddress);
        var step = Totp.Match(secrets.Unprotect(op.ProtectedPendingTotpSecret), code, time.GetUtcNow(), null);
        if (step is null)
        {
            var locked = OperatorCodeFailure.Register(op, actor, "wrong code while enrolling", audit, new LockoutPolicy(options.Value.MaxFailedAttempts, time));
            await db.SaveChangesAsync(ct);
            return new OperatorEnrolmentResult(locked ? SignInOutcome.Locked : SignInOutcome.InvalidCredentials, null, []);
        }

        op.ProtectedTotpSecret = op.ProtectedPendingTotpSecret;
        op.ProtectedPendingTotpSecret = null;
        op.TotpEnabledAt = time.GetUtcNow().UtcDateTime;
        op.LastTotpStep = step;
        op.FailedSignInCount = 0;
        var codes = RecoveryCodes.New();
        await db.OperatorRecoveryCodes.Where(c => c.OperatorId == op.Id).ExecuteDeleteAsync(ct);
        db.OperatorRecoveryCodes.AddRange(codes.Select(c => new OperatorRecoveryCode { OperatorId = op.Id, CodeHash = RecoveryCodes.Hash(c) }));
        audit.RecordInstallation(AuditAction.OperatorTwoFactorEnrolled, actor, $"authenticator app enrolled, {codes.Count} recovery codes made");
        await db.SaveChangesAsync(ct);
        return new OperatorEnrolmentResult(SignInOutcome.Succeeded, op, codes);
    }
}

/// <summary>The escape hatch for an operator who lost both the authenticator and the recovery codes (from the server
/// console: <c>operators reset-2fa E</c>): the secret and the recovery codes are removed, every session of theirs ends,
/// and the next sign-in enrols again. Recorded in the installation's audit trail.</summary>
public sealed class ResetOperatorTwoFactorCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result<string>> HandleAsync(Actor actor, string email, CancellationToken ct)
    {
        if (actor.IsUser)
            return new Error(ErrorKind.Forbidden, "operators_only", "Only the people running this installation can do this.");
        var normalized = Emails.Normalize(email ?? "");
        var op = await db.Operators.SingleOrDefaultAsync(o => o.NormalizedEmail == normalized, ct);
        if (op is null)
            return new Error(ErrorKind.NotFound, "operator_not_found", $"There is no operator with the email {email}.");
        op.ProtectedTotpSecret = null;
        op.ProtectedPendingTotpSecret = null;
        op.TotpEnabledAt = null;
        op.LastTotpStep = null;
        op.SecurityStamp = Guid.NewGuid().ToString("N");
        await db.OperatorRecoveryCodes.Where(c => c.OperatorId == op.Id).ExecuteDeleteAsync(ct);
        audit.RecordInstallation(AuditAction.OperatorTwoFactorReset, actor, $"operator {op.Email}");
        await db.SaveChangesAsync(ct);
        return op.Email;
    }
}
