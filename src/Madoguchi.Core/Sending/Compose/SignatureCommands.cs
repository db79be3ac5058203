using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
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
        var row = await db.Set<Signature>().SingleOrDefaultAsync(s => s.SendAddressId == addressId, ct);
        var saved = await SignatureRows.WriteAsync(db, row, value.Value!, () => new Signature
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
        var row = await db.Set<Signature>().SingleOrDefaultAsync(s => s.UserId == actor.Id, ct);
        var saved = await SignatureRows.WriteAsync(db, row, value.Value!, () => new Signature
        {
            AccountId = me.Value!.AccountId,
            UserId = actor.Id,
            Text = value.Value!,
        }, time, ct);
        return new PersonalSignatureView(saved ?? "", saved is null ? null : time.GetUtcNow().UtcDateTime);
    }
}

internal static class SignatureRows
{
    /// <summary>Updates, adds or removes the row; returns the text now saved (null when none).</summary>
    public static async Task<string?> WriteAsync(MadoguchiDbContext db, Signature? row, string text, Func<Signature> create, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (text.Length == 0)
        {
            if (row is not null)
                db.Set<Signature>().Remove(row);
        }
        else if (row is null)
        {
            var added = create();
            added.UpdatedAt = now;
            db.Set<Signature>().Add(added);
        }
        else
        {
            row.Text = text;
            row.UpdatedAt = now;
        }
        await db.SaveChangesAsync(ct);
        return text.Length == 0 ? null : text;
    }
}
