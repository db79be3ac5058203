using Madoguchi.Core.Inboxes;
using Madoguchi.Web.Ui.Resources;
using Microsoft.Extensions.Localization;

namespace Madoguchi.Web.Ui.Shared;

/// <summary>受信箱権限 names: 管理者 / マネージャー / オペレータ / アシスタント / 権限なし.</summary>
public static class RoleText
{
    public static readonly InboxRole[] Ordered = [InboxRole.Administrator, InboxRole.Manager, InboxRole.Operator, InboxRole.Assistant, InboxRole.None];

    public static string For(IStringLocalizer<Strings> l, InboxRole role) => l["Role_" + role];
}
