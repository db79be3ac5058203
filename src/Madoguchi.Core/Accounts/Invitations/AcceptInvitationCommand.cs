using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Accounts.Invitations;

/// <summary>An invited user (登録待ち) sets their password through the link and becomes active.</summary>
public sealed class AcceptInvitationCommand(MadoguchiDbContext db, IPasswordHasher<User> hasher, AuditTrail audit, TimeProvider time)
{
    public async Task<Result<UserView>> HandleAsync(string token, string password, string? ipAddress, CancellationToken ct)
    {
        var user = await FindInvitedUserAsync(db, token, time, ct);
        if (user is null)
            return InvalidLink();
        var invalid = UserRules.CheckPassword(password);
        if (invalid is not null)
            return invalid;

        user.PasswordHash = hasher.HashPassword(user, password);
        user.State = UserState.Active;
        user.InvitationTokenHash = null;
        user.InvitationExpiresAt = null;
        audit.Record(AuditAction.InvitationAccepted, user.AccountId, Actor.User(user.Id, user.AccountId, user.Email, ipAddress), user);
        await db.SaveChangesAsync(ct);
        return UserView.From(user);
    }

    internal static Error InvalidLink() => new(ErrorKind.NotFound, "invitation_invalid",
        "This invitation link is not valid any more. Ask an account owner to invite you again.");

    internal static async Task<User?> FindInvitedUserAsync(MadoguchiDbContext db, string token, TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token))
            return null;
        var hash = Secrets.Hash(token);
        var now = time.GetUtcNow().UtcDateTime;
        var user = await db.Users.SingleOrDefaultAsync(u => u.InvitationTokenHash == hash, ct);
        return user is { State: UserState.Invited } && user.InvitationExpiresAt > now ? user : null;
    }
}

/// <summary>Who an invitation link is for, so the page can greet the person by name.</summary>
public sealed class GetInvitationQuery(MadoguchiDbContext db, TimeProvider time)
{
    public async Task<Result<UserView>> HandleAsync(string token, CancellationToken ct)
    {
        var user = await AcceptInvitationCommand.FindInvitedUserAsync(db, token, time, ct);
        return user is null ? AcceptInvitationCommand.InvalidLink() : UserView.From(user);
    }
}
