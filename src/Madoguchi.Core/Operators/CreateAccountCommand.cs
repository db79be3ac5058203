using Madoguchi.Core.Accounts;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Operators;

public sealed record CreateAccountRequest(string AccountName, string OwnerEmail, string OwnerPassword, string OwnerFamilyName, string OwnerGivenName);

public sealed record CreatedAccount(Guid AccountId, UserView Owner);

/// <summary>An operator (or the server console) opens a new account with its first owner.</summary>
public sealed class CreateAccountCommand(MadoguchiDbContext db, IPasswordHasher<User> hasher, TimeProvider time)
{
    public async Task<Result<CreatedAccount>> HandleAsync(Actor actor, CreateAccountRequest request, CancellationToken ct)
    {
        if (actor.Kind == ActorKind.User)
            return new Error(ErrorKind.Forbidden, "operators_only", "Only the people running this installation can open accounts.");
        var invalid = UserRules.CheckEmail(request.OwnerEmail) ?? UserRules.CheckPassword(request.OwnerPassword)
            ?? UserRules.CheckNames(request.OwnerFamilyName, request.OwnerGivenName);
        if (invalid is not null)
            return invalid;
        if (string.IsNullOrWhiteSpace(request.AccountName) || request.AccountName.Trim().Length > 200)
            return new Error(ErrorKind.Invalid, "invalid_account_name", "Give the account a name of 1 to 200 characters.");
        var normalized = Emails.Normalize(request.OwnerEmail);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, ct))
            return new Error(ErrorKind.Conflict, "email_taken", "A user with this email address already exists.");

        var now = time.GetUtcNow().UtcDateTime;
        var account = new Account { Name = request.AccountName.Trim(), CreatedAt = now };
        var owner = new User
        {
            AccountId = account.Id,
            FamilyName = request.OwnerFamilyName.Trim(),
            GivenName = request.OwnerGivenName.Trim(),
            Email = request.OwnerEmail.Trim(),
            IsOwner = true,
            State = UserState.Active,
            CreatedAt = now,
        };
        owner.PasswordHash = hasher.HashPassword(owner, request.OwnerPassword);
        db.Accounts.Add(account);
        db.Users.Add(owner);
        await db.SaveChangesAsync(ct);
        return new CreatedAccount(account.Id, UserView.From(owner));
    }
}
