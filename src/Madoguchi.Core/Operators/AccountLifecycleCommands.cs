using Madoguchi.Core.Accounts;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Operators;

public sealed record OpenAccountRequest(string AccountName, string OwnerEmail, string OwnerFamilyName, string OwnerGivenName, string? OwnerLanguage = null);

/// <summary>The new account and the one-time secret of its first owner's invitation link (/invitations/{token}).</summary>
public sealed record OpenedAccount(Guid AccountId, UserView Owner, string InvitationToken, DateTime InvitationExpiresAt);

/// <summary>An operator opens a new account with its first owner, who is invited exactly as owners invite users
/// (登録待ち until they set a password through the link, valid <see cref="CreateUserCommand.InvitationLifetime"/>).
/// Recorded in the new account's audit log.</summary>
public sealed class OpenAccountCommand(MadoguchiDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<Result<OpenedAccount>> HandleAsync(Actor actor, OpenAccountRequest request, CancellationToken ct)
    {
        if (actor.IsUser)
            return OperatorTokenRules.OperatorsOnly();
        if (string.IsNullOrWhiteSpace(request.AccountName) || request.AccountName.Trim().Length > 200)
            return new Error(ErrorKind.Invalid, "invalid_account_name", "Give the account a name of 1 to 200 characters.");
        var invalid = UserRules.CheckEmail(request.OwnerEmail) ?? UserRules.CheckNames(request.OwnerFamilyName, request.OwnerGivenName)
            ?? UserRules.CheckLanguage(request.OwnerLanguage);
        if (invalid is not null)
            return invalid;
        var email = request.OwnerEmail.Trim();
        var normalized = Emails.Normalize(email);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, ct))
            return new Error(ErrorKind.Conflict, "email_taken", "A user with this email address already exists.");

        var now = time.GetUtcNow().UtcDateTime;
        var token = Secrets.NewToken("inv_");
        var account = new Account { Name = request.AccountName.Trim(), CreatedAt = now };
        var owner = new User
        {
            AccountId = account.Id,
            FamilyName = request.OwnerFamilyName.Trim(),
            GivenName = request.OwnerGivenName.Trim(),
            Email = email,
            IsOwner = true,
            State = UserState.Invited,
            Language = request.OwnerLanguage,
            CreatedAt = now,
            InvitationTokenHash = Secrets.Hash(token),
            InvitationExpiresAt = now + CreateUserCommand.InvitationLifetime,
        };
        db.Accounts.Add(account);
        db.Users.Add(owner);
        audit.Record(AuditAction.AccountOpened, account.Id, actor, owner, account.Name);
        audit.Record(AuditAction.OwnerGranted, account.Id, actor, owner);
        await db.SaveChangesAsync(ct);
        return new OpenedAccount(account.Id, UserView.From(owner), token, owner.InvitationExpiresAt.Value);
    }
}

/// <summary>利用停止: an operator suspends an account with a reason its users are shown when they try to sign in. Their
/// sessions and API tokens stop working at the next request; its inboxes are still fetched and the mail kept. Recorded in
/// the account's audit log.</summary>
public sealed class SuspendAccountCommand(MadoguchiDbContext db, AuditTrail audit, TimeProvider time)
{
    public const int MaxReasonLength = 500;

    public async Task<Result<AccountState>> HandleAsync(Actor actor, Guid accountId, string? reason, CancellationToken ct)
    {
        if (actor.IsUser)
            return OperatorTokenRules.OperatorsOnly();
        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length > MaxReasonLength)
            return new Error(ErrorKind.Invalid, "reason_required", $"Give the reason the account's users will read (1 to {MaxReasonLength} characters).");
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null)
            return Error.NotFound("The account");
        if (account.SuspendedAt is not null)
            return new Error(ErrorKind.Conflict, "already_suspended", "This account is already suspended.");
        account.SuspendedAt = time.GetUtcNow().UtcDateTime;
        account.SuspensionReason = reason.Trim();
        audit.Record(AuditAction.AccountSuspended, account.Id, actor, null, account.SuspensionReason);
        await db.SaveChangesAsync(ct);
        return AccountState.From(account);
    }
}

/// <summary>Ends a suspension: the account's users sign in again as before.</summary>
public sealed class ResumeAccountCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result<AccountState>> HandleAsync(Actor actor, Guid accountId, CancellationToken ct)
    {
        if (actor.IsUser)
            return OperatorTokenRules.OperatorsOnly();
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.Id == accountId, ct);
        if (account is null)
            return Error.NotFound("The account");
        if (account.SuspendedAt is null)
            return new Error(ErrorKind.Conflict, "not_suspended", "This account is not suspended.");
        var reason = account.SuspensionReason;
        account.SuspendedAt = null;
        account.SuspensionReason = null;
        audit.Record(AuditAction.AccountResumed, account.Id, actor, null, reason is null ? null : $"was suspended: {reason}");
        await db.SaveChangesAsync(ct);
        return AccountState.From(account);
    }
}

public sealed record AccountState(Guid Id, string Name, bool Suspended, DateTime? SuspendedAt, string? SuspensionReason)
{
    public static AccountState From(Account a) => new(a.Id, a.Name, a.SuspendedAt is not null, a.SuspendedAt, a.SuspensionReason);
}
