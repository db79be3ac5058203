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
        var invalid = AccountOpening.Check(request.AccountName, request.OwnerEmail, request.OwnerPassword, request.OwnerFamilyName, request.OwnerGivenName);
        if (invalid is not null)
            return invalid;
        var normalized = Emails.Normalize(request.OwnerEmail);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalized, ct))
            return new Error(ErrorKind.Conflict, "email_taken", "A user with this email address already exists.");

        var (account, owner) = AccountOpening.Open(request.AccountName, request.OwnerEmail, request.OwnerPassword,
            request.OwnerFamilyName, request.OwnerGivenName, hasher, time.GetUtcNow().UtcDateTime);
        db.Accounts.Add(account);
        db.Users.Add(owner);
        await db.SaveChangesAsync(ct);
        return new CreatedAccount(account.Id, UserView.From(owner));
    }
}
