using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Accounts.Users;

/// <summary>Fields left null stay as they are. An empty string clears department or mention name.
/// The login email cannot be changed, as in the product we follow.</summary>
public sealed record UpdateUserRequest(
    string? FamilyName = null,
    string? GivenName = null,
    string? Department = null,
    string? MentionName = null,
    string? Language = null);

/// <summary>ユーザ編集 (owners only).</summary>
public sealed class UpdateUserCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result<UserView>> HandleAsync(Actor actor, Guid userId, UpdateUserRequest request, CancellationToken ct)
    {
        var owner = await db.RequireOwnerAsync(actor, ct);
        if (!owner.Succeeded)
            return owner.Error!;
        var user = await db.FindUserInAccountAsync(actor.AccountId!.Value, userId, ct);
        if (user is null)
            return Error.NotFound("The user");

        var family = request.FamilyName ?? user.FamilyName;
        var given = request.GivenName ?? user.GivenName;
        var mention = request.MentionName is null ? user.MentionName : CreateUserCommand.NullIfBlank(request.MentionName);
        var invalid = UserRules.CheckNames(family, given) ?? UserRules.CheckMentionName(mention)
            ?? UserRules.CheckLanguage(string.IsNullOrEmpty(request.Language) ? null : request.Language);
        if (invalid is not null)
            return invalid;
        if (mention is not null && mention != user.MentionName
            && await db.Users.AnyAsync(u => u.AccountId == user.AccountId && u.MentionName == mention && u.Id != user.Id, ct))
            return new Error(ErrorKind.Conflict, "mention_name_taken", "Another user of this account already has this mention name.");

        user.FamilyName = family.Trim();
        user.GivenName = given.Trim();
        user.MentionName = mention;
        if (request.Department is not null)
            user.Department = CreateUserCommand.NullIfBlank(request.Department);
        if (request.Language is not null)
            user.Language = request.Language.Length == 0 ? null : request.Language;
        audit.Record(AuditAction.UserUpdated, user.AccountId, actor, user);
        await db.SaveChangesAsync(ct);
        return UserView.From(user);
    }
}
