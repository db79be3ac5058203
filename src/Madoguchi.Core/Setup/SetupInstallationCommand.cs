using Madoguchi.Core.Accounts;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Operators;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Setup;

public sealed record SetupRequest(
    string OperatorEmail,
    string OperatorPassword,
    string AccountName,
    string OwnerEmail,
    string OwnerPassword,
    string? OwnerFamilyName = null,
    string? OwnerGivenName = null);

public sealed record SetupResult(Guid OperatorId, Guid AccountId, Guid OwnerId);

/// <summary>First run: creates the operator, the first account and its first owner. Refused once an operator exists.</summary>
public sealed class SetupInstallationCommand(
    MadoguchiDbContext db,
    IPasswordHasher<Operator> operatorHasher,
    IPasswordHasher<User> userHasher,
    TimeProvider time)
{
    public async Task<Result<SetupResult>> HandleAsync(SetupRequest request, CancellationToken ct)
    {
        var ownerFamily = string.IsNullOrWhiteSpace(request.OwnerFamilyName) ? "Owner" : request.OwnerFamilyName;
        var ownerGiven = string.IsNullOrWhiteSpace(request.OwnerGivenName) ? LocalPart(request.OwnerEmail) : request.OwnerGivenName;
        var invalid = UserRules.CheckEmail(request.OperatorEmail) ?? UserRules.CheckPassword(request.OperatorPassword)
            ?? AccountOpening.Check(request.AccountName, request.OwnerEmail, request.OwnerPassword, ownerFamily, ownerGiven);
        if (invalid is not null)
            return invalid;

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.Operators.AnyAsync(ct))
            return new Error(ErrorKind.Conflict, "already_set_up", "This installation is already set up. Sign in instead.");
        var now = time.GetUtcNow().UtcDateTime;
        var op = new Operator { Email = request.OperatorEmail.Trim(), PasswordHash = "", CreatedAt = now };
        op.PasswordHash = operatorHasher.HashPassword(op, request.OperatorPassword);
        var (account, owner) = AccountOpening.Open(request.AccountName, request.OwnerEmail, request.OwnerPassword, ownerFamily, ownerGiven, userHasher, now);
        db.Operators.Add(op);
        db.Accounts.Add(account);
        db.Users.Add(owner);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new SetupResult(op.Id, account.Id, owner.Id);
    }

    private static string LocalPart(string email) => email.Split('@')[0];
}

public sealed class IsSetUpQuery(MadoguchiDbContext db)
{
    public Task<bool> HandleAsync(CancellationToken ct) => db.Operators.AnyAsync(ct);
}
