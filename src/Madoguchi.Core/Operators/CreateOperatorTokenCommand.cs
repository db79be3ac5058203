using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Operators;

/// <summary>Makes a new operator API token (from the server console: <c>operators token --email E</c>).</summary>
public sealed class CreateOperatorTokenCommand(MadoguchiDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<Result<string>> HandleAsync(string email, CancellationToken ct)
    {
        var normalized = Emails.Normalize(email ?? "");
        var op = await db.Operators.SingleOrDefaultAsync(o => o.NormalizedEmail == normalized, ct);
        if (op is null)
            return new Error(ErrorKind.NotFound, "operator_not_found", $"There is no operator with the email {email}.");
        var secret = Secrets.NewToken(OperatorToken.Prefix);
        db.OperatorTokens.Add(new OperatorToken { OperatorId = op.Id, TokenHash = Secrets.Hash(secret), CreatedAt = time.GetUtcNow().UtcDateTime });
        audit.RecordInstallation(AuditAction.OperatorTokenCreated, Actor.ServerConsole(), $"operator {op.Email}");
        await db.SaveChangesAsync(ct);
        return secret;
    }
}

/// <summary>Finds the operator behind a Bearer token.</summary>
public sealed class AuthenticateOperatorTokenQuery(MadoguchiDbContext db)
{
    public Task<Operator?> HandleAsync(string secret, CancellationToken ct)
    {
        if (!secret.StartsWith(OperatorToken.Prefix, StringComparison.Ordinal))
            return Task.FromResult<Operator?>(null);
        var hash = Secrets.Hash(secret);
        return db.OperatorTokens.Where(t => t.TokenHash == hash).Join(db.Operators, t => t.OperatorId, o => o.Id, (t, o) => o).SingleOrDefaultAsync(ct);
    }
}
