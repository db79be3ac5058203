using Madoguchi.Core.Accounts.Lockout;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Operators;

public sealed record OperatorSignInResult(SignInOutcome Outcome, Operator? Operator);

/// <summary>Operators sign in with the same lockout count as users; a locked operator is restored from the server console.</summary>
public sealed class OperatorSignInCommand(MadoguchiDbContext db, IPasswordHasher<Operator> hasher, TimeProvider time, IOptions<SignInLockoutOptions> options)
{
    public async Task<OperatorSignInResult> HandleAsync(string email, string password, CancellationToken ct)
    {
        var normalized = Emails.Normalize(email ?? "");
        var op = await db.Operators.SingleOrDefaultAsync(o => o.NormalizedEmail == normalized, ct);
        if (op is null)
        {
            hasher.VerifyHashedPassword(new Operator { Email = "x@invalid.example", PasswordHash = "" }, DummyHash.Value, password ?? "");
            return new OperatorSignInResult(SignInOutcome.InvalidCredentials, null);
        }
        if (op.LockedAt is not null)
            return new OperatorSignInResult(SignInOutcome.Locked, null);
        if (hasher.VerifyHashedPassword(op, op.PasswordHash, password ?? "") == PasswordVerificationResult.Failed)
        {
            op.FailedSignInCount++;
            if (op.FailedSignInCount >= options.Value.MaxFailedAttempts)
                op.LockedAt = time.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(ct);
            return new OperatorSignInResult(op.LockedAt is null ? SignInOutcome.InvalidCredentials : SignInOutcome.Locked, null);
        }
        op.FailedSignInCount = 0;
        await db.SaveChangesAsync(ct);
        return new OperatorSignInResult(SignInOutcome.Succeeded, op);
    }

    private static readonly Lazy<string> DummyHash = new(() =>
        new PasswordHasher<Operator>().HashPassword(new Operator { Email = "x@invalid.example", PasswordHash = "" }, Guid.NewGuid().ToString()));
}
