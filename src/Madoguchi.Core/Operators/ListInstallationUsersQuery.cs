using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Operators;

public sealed record InstallationUserRow(string Email, string DisplayName, string Account, UserState State, bool IsOwner);

/// <summary>Every user of every account, by account then email, optionally only the locked ones
/// (from the server console: <c>users list [--locked]</c>).</summary>
public sealed class ListInstallationUsersQuery(MadoguchiDbContext db)
{
    public async Task<IReadOnlyList<InstallationUserRow>> HandleAsync(bool lockedOnly, CancellationToken ct)
    {
        var query = db.Users.AsNoTracking().Join(db.Accounts, u => u.AccountId, a => a.Id, (u, a) => new { User = u, Account = a.Name });
        if (lockedOnly)
            query = query.Where(x => x.User.State == UserState.Locked);
        var rows = await query.OrderBy(x => x.Account).ThenBy(x => x.User.Email).ToListAsync(ct);
        return rows.Select(x => new InstallationUserRow(x.User.Email, x.User.DisplayName, x.Account, x.User.State, x.User.IsOwner)).ToList();
    }
}

/// <summary>The user with an email address, in whichever account (from the server console: <c>users unlock E</c>).</summary>
public sealed class FindUserByEmailQuery(MadoguchiDbContext db)
{
    public async Task<Common.Result<Guid>> HandleAsync(string email, CancellationToken ct)
    {
        var normalized = Common.Emails.Normalize(email ?? "");
        var id = await db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => (Guid?)u.Id).SingleOrDefaultAsync(ct);
        return id is { } found ? found : new Common.Error(Common.ErrorKind.NotFound, "user_not_found", $"There is no user with the email {email}.");
    }
}
