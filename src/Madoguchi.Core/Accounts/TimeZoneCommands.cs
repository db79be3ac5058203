using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Accounts;

/// <summary>システム設定: an owner sets the account's time zone (an IANA id). Audited with the old and new zone.</summary>
public sealed class SetAccountTimeZoneCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result<AccountView>> HandleAsync(Actor actor, string? timeZone, CancellationToken ct)
    {
        var owner = await db.RequireOwnerAsync(actor, ct);
        if (!owner.Succeeded)
            return owner.Error!;
        timeZone = timeZone?.Trim();
        if (TimeZones.Check(timeZone) is { } invalid)
            return invalid;
        var account = await db.Accounts.SingleAsync(a => a.Id == actor.AccountId, ct);
        if (account.TimeZone != timeZone)
        {
            audit.Record(AuditAction.AccountTimeZoneChanged, account.Id, actor, detail: $"{account.TimeZone} → {timeZone}");
            account.TimeZone = timeZone!;
            await db.SaveChangesAsync(ct);
        }
        return new AccountView(account.Id, account.Name, account.TimeZone);
    }
}

/// <summary>個人設定: every user may show times in a zone of their own, or (null) follow the account's.</summary>
public sealed class SetOwnTimeZoneCommand(MadoguchiDbContext db)
{
    public async Task<Result<Users.UserView>> HandleAsync(Actor actor, string? timeZone, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        timeZone = string.IsNullOrWhiteSpace(timeZone) ? null : timeZone.Trim();
        if (timeZone is not null && TimeZones.Check(timeZone) is { } invalid)
            return invalid;
        me.Value!.TimeZone = timeZone;
        await db.SaveChangesAsync(ct);
        return Users.UserView.From(me.Value);
    }
}

/// <summary>The zone a user's screens show times in: their own, else their account's. Anyone else (an operator,
/// the server console) sees the default zone.</summary>
public sealed class GetDisplayTimeZoneQuery(MadoguchiDbContext db)
{
    public async Task<TimeZoneInfo> HandleAsync(Actor? actor, CancellationToken ct)
    {
        if (actor is not { IsUser: true })
            return TimeZones.Find(TimeZones.Default);
        var zone = await db.Users.AsNoTracking().Where(u => u.Id == actor.Id)
            .Join(db.Accounts, u => u.AccountId, a => a.Id, (u, a) => u.TimeZone ?? a.TimeZone).SingleOrDefaultAsync(ct);
        return TimeZones.Find(zone);
    }

    /// <summary>The zone of an account's screens (for account-wide figures such as "fetched today").</summary>
    public async Task<TimeZoneInfo> ForAccountAsync(Guid accountId, CancellationToken ct) =>
        TimeZones.Find(await db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => a.TimeZone).SingleOrDefaultAsync(ct));
}
