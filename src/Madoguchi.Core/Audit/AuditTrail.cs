using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;

namespace Madoguchi.Core.Audit;

/// <summary>Adds audit entries to the current unit of work, so an entry commits together with the change it describes.</summary>
public sealed class AuditTrail(MadoguchiDbContext db, TimeProvider time)
{
    public void Record(AuditAction action, Guid accountId, Actor actor, User? target = null, string? detail = null) =>
        Add(action, accountId, actor, target, detail);

    /// <summary>A line of the installation itself (operators), in no account's log.</summary>
    public void RecordInstallation(AuditAction action, Actor actor, string? detail = null) => Add(action, null, actor, null, detail);

    private void Add(AuditAction action, Guid? accountId, Actor actor, User? target, string? detail) =>
        db.AuditEntries.Add(new AuditEntry
        {
            AccountId = accountId,
            At = time.GetUtcNow().UtcDateTime,
            Action = action,
            ActorUserId = actor.IsUser ? actor.Id : null,
            ActorName = actor.Name,
            TargetUserId = target?.Id,
            TargetName = target is null ? null : $"{target.DisplayName} <{target.Email}>",
            Detail = detail,
            IpAddress = actor.IpAddress,
        });
}
