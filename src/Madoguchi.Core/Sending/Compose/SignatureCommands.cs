using System.Linq.Expressions;
using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Receiving.Fetching;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Sending.Compose;

/// <summary>Which signature compose inserts first: <c>personal</c> when the user has one, else <c>shared</c> when the From
/// address has one, else <c>none</c>.</summary>
public static class SignatureChoice
{
    public const string Personal = "personal";
    public const string Shared = "shared";
    public const string None = "none";

    public static string Default(string? personal, string? shared) =>
        !string.IsNullOrEmpty(personal) ? Personal : !string.IsNullOrEmpty(shared) ? Shared : None;

    internal static Result<string> Read(string? text)
    {
        var value = (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd();
        if (value.Length > Signature.MaxLength)
            return new Error(ErrorKind.Invalid, "signature_too_long", $"A signature can be at most {Signature.MaxLength:N0} characters. / 署名は{Signature.MaxLength:N0}文字までです。");
        return value;
    }
}

/// <summary>The shared signature of one From address, and which signature compose starts with for it.</summary>
public sealed record SharedSignatureView(Guid SendAddressId, string Address, string DisplayName, bool IsDefaultAddress, string? Text, string Default);

/// <summary>What compose offers in an inbox: the user's personal signature and each From address's shared one.</summary>
public sealed record SignaturesView(string? Personal, IReadOnlyList<SharedSignatureView> Items);

/// <summary>The person's own signature (個人の署名), used in every inbox.</summary>
public sealed record PersonalSignatureView(string Text, DateTime? UpdatedAt);

/// <summary>For compose: anyone who may write mail in the inbox (アシスタント or higher).</summary>
public sealed class GetSignaturesQuery(MadoguchiDbContext db)
{
    public async Task<Result<SignaturesView>> HandleAsync(Actor actor, Guid inboxId, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Assistant, ct);
        if (!access.Succeeded)
            return access.Error!;
        var personal = await db.Set<Signature>().AsNoTracking().Where(s => s.UserId == actor.Id).Select(s => s.Text).SingleOrDefaultAsync(ct);
        var addresses = await db.SendAddresses.AsNoTracking().Where(a => a.InboxId == inboxId)
            .OrderByDescending(a => a.IsDefault).ThenBy(a => a.CreatedAt)
            .Select(a => new { a.Id, a.Address, a.DisplayName, a.IsDefault, Text = db.Set<Signature>().Where(s => s.SendAddressId == a.Id).Select(s => s.Text).FirstOrDefault() })
            .ToListAsync(ct);
        return new SignaturesView(personal, addresses
            .Select(a => new SharedSignatureView(a.Id, a.Address, a.DisplayName, a.IsDefault, a.Text, SignatureChoice.Default(personal, a.Text))).ToList());
    }
}

/// <summary>Sets or (with empty text) removes the shared signature of a From address: the inbox's マネージャー and 管理者 and the
/// account's owners.</summary>
public sealed class SetSharedSignatureCommand(MadoguchiDbContext db, TimeProvider time)
{
    public async Task<Result<SharedSignatureView>> HandleAsync(Actor actor, Guid inboxId, Guid addressId, string? text, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Manager, ct);
        if (!access.Succeeded)
            return access.Error!;
        var address = await db.SendAddresses.AsNoTracking().SingleOrDefaultAsync(a => a.Id == addressId && a.InboxId == inboxId, ct);
        if (address is null)
            return Error.NotFound("The send address");
        var value = SignatureChoice.Read(text);
        if (!value.Succeeded)
            return value.Error!;
        var saved = await SignatureRows.WriteAsync(db, s => s.SendAddressId == addressId, value.Value!, () => new Signature
        {
            AccountId = address.AccountId,
            SendAddressId = addressId,
            Text = value.Value!,
        }, time, ct);
        var personal = await db.Set<Signature>().AsNoTracking().Where(s => s.UserId == actor.Id).Select(s => s.Text).SingleOrDefaultAsync(ct);
        return new SharedSignatureView(address.Id, address.Address, address.DisplayName, address.IsDefault, saved, SignatureChoice.Default(personal, saved));
    }
}

public sealed class GetPersonalSignatureQuery(MadoguchiDbContext db)
{
    public async Task<Result<PersonalSignatureView>> HandleAsync(Actor actor, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var row = await db.Set<Signature>().AsNoTracking().SingleOrDefaultAsync(s => s.UserId == actor.Id, ct);
        return new PersonalSignatureView(row?.Text ?? "", row?.UpdatedAt);
    }
}

/// <summary>Sets or (with empty text) removes the person's own signature.</summary>
public sealed class SetPersonalSignatureCommand(MadoguchiDbContext db, TimeProvider time)
{
    public async Task<Result<PersonalSignatureView>> HandleAsync(Actor actor, string? text, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var value = SignatureChoice.Read(text);
        if (!value.Succeeded)
            return value.Error!;
        var saved = await SignatureRows.WriteAsync(db, s => s.UserId == actor.Id, value.Value!, () => new Signature
        {
            AccountId = me.Value!.AccountId,
            UserId = actor.Id,
            Text = value.Value!,
        }, time, ct);
        return new PersonalSignatureView(saved ?? "", saved is null ? null : time.GetUtcNow().UtcDateTime);
    }
}

/// <summary>Saving a signature under parallel saves (two tabs, two managers, a double click): the last write wins and every
/// save answers 200. Update and delete are single statements; an insert that loses the race to another insert of the same
/// row (the unique index on <see cref="Signature.SendAddressId"/> or <see cref="Signature.UserId"/>) updates the winner's
/// row instead, as <see cref="Accounts.Lockout.UnknownAddressLockout"/> does.</summary>
internal static class SignatureRows
{
    /// <summary>Each lost insert means another save's row now exists, so the next attempt updates it; a few always suffice
    /// unless the row is deleted again each time in between.</summary>
    public const int MaxAttempts = 10;

    /// <summary>Updates, adds or (with empty text) removes the row <paramref name="which"/> selects; returns the text now saved
    /// (null when none).</summary>
    public static async Task<string?> WriteAsync(MadoguchiDbContext db, Expression<Func<Signature, bool>> which, string text, Func<Signature> create,
        TimeProvider time, CancellationToken ct)
    {
        if (text.Length == 0)
        {
            await db.Set<Signature>().Where(which).ExecuteDeleteAsync(ct);
            return null;
        }
        var now = time.GetUtcNow().UtcDateTime;
        for (var attempt = 1; ; attempt++)
        {
            var updated = await db.Set<Signature>().Where(which).ExecuteUpdateAsync(u => u.SetProperty(s => s.Text, text).SetProperty(s => s.UpdatedAt, now), ct);
            if (updated > 0)
                return text;
            var added = create();
            added.UpdatedAt = now;
            db.Set<Signature>().Add(added);
            try
            {
                await db.SaveChangesAsync(ct);
                return text;
            }
            catch (DbUpdateException e) when (UniqueViolation.Is(e) && attempt < MaxAttempts)
            {
                // Another save inserted the row first: write over it (last write wins).
                db.ChangeTracker.Clear();
            }
        }
    }
}
