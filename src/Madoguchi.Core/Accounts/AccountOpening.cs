using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Common;
using Microsoft.AspNetCore.Identity;

namespace Madoguchi.Core.Accounts;

/// <summary>A new account with its first, active owner: what first-run setup and the operator both open.</summary>
public static class AccountOpening
{
    public static Error? Check(string accountName, string ownerEmail, string ownerPassword, string ownerFamilyName, string ownerGivenName)
    {
        var invalid = UserRules.CheckEmail(ownerEmail) ?? UserRules.CheckPassword(ownerPassword) ?? UserRules.CheckNames(ownerFamilyName, ownerGivenName);
        if (invalid is not null)
            return invalid;
        return string.IsNullOrWhiteSpace(accountName) || accountName.Trim().Length > 200
            ? new Error(ErrorKind.Invalid, "invalid_account_name", "Give the account a name of 1 to 200 characters.")
            : null;
    }

    /// <summary>Builds both rows (not yet added to the context); call <see cref="Check"/> first.</summary>
    public static (Account Account, User Owner) Open(string accountName, string ownerEmail, string ownerPassword,
        string ownerFamilyName, string ownerGivenName, IPasswordHasher<User> hasher, DateTime now)
    {
        var account = new Account { Name = accountName.Trim(), CreatedAt = now };
        var owner = new User
        {
            AccountId = account.Id,
            FamilyName = ownerFamilyName.Trim(),
            GivenName = ownerGivenName.Trim(),
            Email = ownerEmail.Trim(),
            IsOwner = true,
            State = UserState.Active,
            CreatedAt = now,
        };
        owner.PasswordHash = hasher.HashPassword(owner, ownerPassword);
        return (account, owner);
    }
}
