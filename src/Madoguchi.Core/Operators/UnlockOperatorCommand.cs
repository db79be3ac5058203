using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Operators;

/// <summary>Restores an operator locked by wrong passwords (from the server console: <c>operators unlock E</c>).
/// Recorded in the installation's audit trail, outside every account's log.</summary>
public sealed class UnlockOperatorCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result<string>> HandleAsync(Actor actor, string email, CancellationToken ct)
    {
        var normalized = Emails.Normalize(email ?? "");
        var op = await db.Operators.SingleOrDefaultAsync(o => o.NormalizedEmail == normalized, ct);
        if (op is null)
            return new Error(ErrorKind.NotFound, "operator_not_found", $"There is no operator with the email {email}.");
        var wasLocked = op.LockedAt is not null;
        op.LockedAt = null;
        op.FailedSignInCount = 0;
        audit.RecordInstallation(AuditAction.OperatorUnlocked, actor, $"operator {op.Email}{(wasLocked ? "" : " (was not locked)")}");
        await db.SaveChangesAsync(ct);
        return op.Email;
    }
}
