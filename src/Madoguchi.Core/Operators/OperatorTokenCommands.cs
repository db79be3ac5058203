using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Operators;

public sealed record OperatorTokenView(Guid Id, string OperatorEmail, string Name, string Hint, DateTime CreatedAt, DateTime? ExpiresAt, DateTime? LastUsedAt);

/// <summary>The new token; <see cref="Secret"/> is shown once and never again.</summary>
public sealed record CreatedOperatorToken(OperatorTokenView Token, string Secret);

/// <summary>Makes a new operator API token: in the console for oneself, or from the server console for any operator
/// (<c>operators token --email E [--name N] [--expires DATE]</c>). Named, optionally expiring, audited.</summary>
public sealed class CreateOperatorTokenCommand(MadoguchiDbContext db, AuditTrail audit, TimeProvider time)
{
    public const string DefaultName = "server console";

    /// <summary>From the server console, unnamed and without expiry (kept for scripts that used the first version).</summary>
    public async Task<Result<string>> HandleAsync(string email, CancellationToken ct)
    {
        var created = await HandleAsync(Actor.ServerConsole(), email, DefaultName, null, ct);
        return created.Succeeded ? created.Value!.Secret : created.Error!;
    }

    /// <param name="email">The operator the token is for; null: the acting operator themself.</param>
    public async Task<Result<CreatedOperatorToken>> HandleAsync(Actor actor, string? email, string? name, DateTime? expiresAt, CancellationToken ct)
    {
        if (actor.IsUser)
            return OperatorTokenRules.OperatorsOnly();
        var normalized = Emails.Normalize(email ?? "");
        var op = email is null && actor.Kind == ActorKind.Operator
            ? await db.Operators.SingleOrDefaultAsync(o => o.Id == actor.Id, ct)
            : await db.Operators.SingleOrDefaultAsync(o => o.NormalizedEmail == normalized, ct);
        if (op is null)
            return new Error(ErrorKind.NotFound, "operator_not_found", $"There is no operator with the email {email}.");
        if (actor.Kind == ActorKind.Operator && actor.Id != op.Id)
            return new Error(ErrorKind.Forbidden, "own_tokens_only", "Operators make tokens for themselves only.");
        var tokenName = string.IsNullOrWhiteSpace(name) ? DefaultName : name.Trim();
        if (tokenName.Length > 100)
            return new Error(ErrorKind.Invalid, "invalid_token_name", "Give the token a name of 1 to 100 characters.");
        var now = time.GetUtcNow().UtcDateTime;
        if (expiresAt is { } expiry && expiry.ToUniversalTime() <= now)
            return new Error(ErrorKind.Invalid, "invalid_token_expiry", "The expiry must be in the future.");

        var secret = Secrets.NewToken(OperatorToken.Prefix);
        var token = new OperatorToken
        {
            OperatorId = op.Id,
            Name = tokenName,
            Hint = secret[..(OperatorToken.Prefix.Length + 4)],
            TokenHash = Secrets.Hash(secret),
            CreatedAt = now,
            ExpiresAt = expiresAt?.ToUniversalTime(),
        };
        db.OperatorTokens.Add(token);
        audit.RecordInstallation(AuditAction.OperatorTokenCreated, actor, $"operator {op.Email}, token \"{token.Name}\"");
        await db.SaveChangesAsync(ct);
        return new CreatedOperatorToken(OperatorTokenRules.View(token, op.Email), secret);
    }
}

/// <summary>Operator tokens, newest first: one operator's own (console, API) or every operator's (server console).</summary>
public sealed class ListOperatorTokensQuery(MadoguchiDbContext db)
{
    public async Task<Result<IReadOnlyList<OperatorTokenView>>> HandleAsync(Actor actor, CancellationToken ct)
    {
        if (actor.IsUser)
            return OperatorTokenRules.OperatorsOnly();
        var query = db.OperatorTokens.AsNoTracking().Join(db.Operators, t => t.OperatorId, o => o.Id, (t, o) => new { Token = t, o.Email });
        if (actor.Kind == ActorKind.Operator)
            query = query.Where(x => x.Token.OperatorId == actor.Id);
        var rows = await query.ToListAsync(ct);
        return rows.OrderByDescending(x => x.Token.CreatedAt).Select(x => OperatorTokenRules.View(x.Token, x.Email)).ToList();
    }
}

/// <summary>Revokes a token at once: an operator their own, the server console any.</summary>
public sealed class RevokeOperatorTokenCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result<OperatorTokenView>> HandleAsync(Actor actor, Guid tokenId, CancellationToken ct)
    {
        if (actor.IsUser)
            return OperatorTokenRules.OperatorsOnly();
        var found = await db.OperatorTokens.Where(t => t.Id == tokenId)
            .Join(db.Operators, t => t.OperatorId, o => o.Id, (t, o) => new { Token = t, o.Email }).SingleOrDefaultAsync(ct);
        if (found is null || (actor.Kind == ActorKind.Operator && found.Token.OperatorId != actor.Id))
            return Error.NotFound("The token");
        db.OperatorTokens.Remove(found.Token);
        audit.RecordInstallation(AuditAction.OperatorTokenRevoked, actor, $"operator {found.Email}, token \"{found.Token.Name}\"");
        await db.SaveChangesAsync(ct);
        return OperatorTokenRules.View(found.Token, found.Email);
    }
}

/// <summary>Finds the operator behind a Bearer token that is neither revoked nor expired.</summary>
public sealed class AuthenticateOperatorTokenQuery(MadoguchiDbContext db, TimeProvider time)
{
    public async Task<Operator?> HandleAsync(string secret, CancellationToken ct)
    {
        if (!secret.StartsWith(OperatorToken.Prefix, StringComparison.Ordinal))
            return null;
        var hash = Secrets.Hash(secret);
        var found = await db.OperatorTokens.Where(t => t.TokenHash == hash)
            .Join(db.Operators, t => t.OperatorId, o => o.Id, (t, o) => new { Token = t, Operator = o }).SingleOrDefaultAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        if (found is null || found.Token.ExpiresAt <= now)
            return null;
        // As for users' tokens: a minute's precision is enough to see a token in use without a write per request.
        if (found.Token.LastUsedAt is null || now - found.Token.LastUsedAt > TimeSpan.FromMinutes(1))
            await db.OperatorTokens.Where(t => t.Id == found.Token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
        return found.Operator;
    }
}

internal static class OperatorTokenRules
{
    public static Error OperatorsOnly() => new(ErrorKind.Forbidden, "operators_only", "Only the people running this installation can do this.");

    public static OperatorTokenView View(OperatorToken t, string email) => new(t.Id, email, t.Name, t.Hint, t.CreatedAt, t.ExpiresAt, t.LastUsedAt);
}
