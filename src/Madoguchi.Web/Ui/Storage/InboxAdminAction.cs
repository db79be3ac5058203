using Madoguchi.Core.Common;
using Madoguchi.Core.Inboxes;
using Madoguchi.Web.Ui.Shared;

namespace Madoguchi.Web.Ui.Storage;

/// <summary>Base of the buttons only an inbox's 管理者 sees (ゴミ箱を空にする, delete for good): reads the user's role on the inbox.</summary>
public abstract class InboxAdminAction : SignedInComponent
{
    protected bool IsAdministrator { get; private set; }

    protected async Task LoadRoleAsync(Guid inboxId)
    {
        var inboxes = await RunAsync<ListInboxesQuery, Result<Page<InboxView>>>(
            (q, actor) => q.HandleAsync(actor, new PageRequest(0, PageRequest.MaxLimit), default));
        IsAdministrator = inboxes.Value?.Items.FirstOrDefault(i => i.Id == inboxId)?.MyRole == InboxRole.Administrator;
    }
}
