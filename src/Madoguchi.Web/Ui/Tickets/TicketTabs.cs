using Madoguchi.Core.Tickets;

namespace Madoguchi.Web.Ui.Tickets;

/// <summary>One tab of an inbox page: a status inside the inbox, or a place (ゴミ箱, 迷惑メール) with every status.</summary>
public sealed record TicketTab(string Key, string LabelKey, TicketStatus? Status, TicketPlace Place);

public static class TicketTabs
{
    /// <summary>The <c>reason</c> of the 保留理由なし bucket (保留 without a reason).</summary>
    public const string NoReason = "none";

    public static IReadOnlyList<TicketTab> All { get; } =
    [
        new("open", "TabOpen", TicketStatus.Open, TicketPlace.Inbox),
        new("pending", "TabPending", TicketStatus.Pending, TicketPlace.Inbox),
        new("closed", "TabClosed", TicketStatus.Closed, TicketPlace.Inbox),
        new("noAction", "TabNoAction", TicketStatus.NoAction, TicketPlace.Inbox),
        new("trash", "TabTrash", null, TicketPlace.Trash),
        new("spam", "TabSpam", null, TicketPlace.Spam),
    ];

    public static TicketTab Find(string? key) => All.FirstOrDefault(t => string.Equals(t.Key, key, StringComparison.OrdinalIgnoreCase)) ?? All[0];

    public static string StatusLabelKey(TicketStatus status) => All.First(t => t.Status == status).LabelKey;
}
