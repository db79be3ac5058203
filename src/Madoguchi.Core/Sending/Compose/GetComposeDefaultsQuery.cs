using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Sending.Compose;

/// <summary>What the 新規メール screen starts with: the inbox's name, its From addresses (default first), and whether the
/// writer's mail waits for approval (アシスタント).</summary>
public sealed record ComposeDefaultsView(string InboxName, IReadOnlyList<ReplyFromView> From, bool NeedsApproval);

/// <summary>For the 新規メール screen: anyone who may write mail in the inbox (アシスタント or higher), like
/// <see cref="QueueNewMailCommand"/>.</summary>
public sealed class GetComposeDefaultsQuery(MadoguchiDbContext db)
{
    public async Task<Result<ComposeDefaultsView>> HandleAsync(Actor actor, Guid inboxId, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Assistant, ct);
        if (!access.Succeeded)
            return access.Error!;
        var from = await db.SendAddresses.AsNoTracking().Where(a => a.InboxId == inboxId)
            .OrderByDescending(a => a.IsDefault).ThenBy(a => a.CreatedAt)
            .Select(a => new ReplyFromView(a.Id, a.Address, a.DisplayName, a.IsDefault)).ToListAsync(ct);
        return new ComposeDefaultsView(access.Value.Inbox.Name, from, access.Value.Role < InboxRole.Operator);
    }
}
