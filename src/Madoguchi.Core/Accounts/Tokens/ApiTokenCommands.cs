using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Accounts.Tokens;

public sealed record ApiTokenView(Guid Id, string Name, string Hint, DateTime CreatedAt, DateTime? LastUsedAt);

/// <summary>The new token; <see cref="Secret"/> is shown once and never again.</summary>
public sealed record CreatedApiToken(ApiTokenView Token, string Secret);

public sealed class CreateApiTokenCommand(MadoguchiDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<Result<CreatedApiToken>> HandleAsync(Actor actor, string name, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
            return new Error(ErrorKind.Invalid, "invalid_token_name", "Give the token a name of 1 to 100 characters.");
        var secret = Secrets.NewToken(ApiToken.Prefix);
        var token = new ApiToken
        {
            UserId = actor.Id,
            Name = name.Trim(),
            TokenHash = Secrets.Hash(secret),
            Hint = secret[..(ApiToken.Prefix.Length + 4)],
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.ApiTokens.Add(token);
        audit.Record(AuditAction.ApiTokenCreated, me.Value!.AccountId, actor, me.Value, token.Name);
        await db.SaveChangesAsync(ct);
        return new CreatedApiToken(ToView(token), secret);
    }

    internal static ApiTokenView ToView(ApiToken t) => new(t.Id, t.Name, t.Hint, t.CreatedAt, t.LastUsedAt);
}

public sealed class ListApiTokensQuery(MadoguchiDbContext db)
{
    public async Task<Result<Page<ApiTokenView>>> HandleAsync(Actor actor, PageRequest page, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var query = db.ApiTokens.AsNoTracking().Where(t => t.UserId == actor.Id);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(t => t.CreatedAt).Page(page)
            .Select(t => new ApiTokenView(t.Id, t.Name, t.Hint, t.CreatedAt, t.LastUsedAt)).ToListAsync(ct);
        return new Page<ApiTokenView>(items, total);
    }
}

/// <summary>Users revoke only their own tokens.</summary>
public sealed class RevokeApiTokenCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result> HandleAsync(Actor actor, Guid tokenId, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var token = await db.ApiTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.UserId == actor.Id, ct);
        if (token is null)
            return Error.NotFound("The token");
        db.ApiTokens.Remove(token);
        audit.Record(AuditAction.ApiTokenRevoked, me.Value!.AccountId, actor, me.Value, token.Name);
        await db.SaveChangesAsync(ct);
        return Result.Ok();
    }
}

/// <summary>Finds the active user behind a Bearer token; none while the user's account is suspended.</summary>
public sealed class AuthenticateApiTokenQuery(MadoguchiDbContext db, TimeProvider time)
{
    public async Task<Users.User?> HandleAsync(string secret, CancellationToken ct)
    {
        if (!secret.StartsWith(ApiToken.Prefix, StringComparison.Ordinal))
            return null;
        var hash = Secrets.Hash(secret);
        var found = await db.ApiTokens.Where(t => t.TokenHash == hash)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new { Token = t, User = u })
            .Select(x => new { x.Token, x.User, Suspended = db.Accounts.Any(a => a.Id == x.User.AccountId && a.SuspendedAt != null) })
            .Prepared().SingleOrDefaultAsync(ct);
        // One query per request: the token, its user and whether the account is suspended.
        if (found is null || found.User.State != Users.UserState.Active || found.Suspended)
            return null;
        var now = time.GetUtcNow().UtcDateTime;
        // Recording every use would write on every request; a minute's precision is enough to see a token in use.
        if (found.Token.LastUsedAt is null || now - found.Token.LastUsedAt > TimeSpan.FromMinutes(1))
            await db.ApiTokens.Where(t => t.Id == found.Token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), ct);
        return found.User;
    }
}
