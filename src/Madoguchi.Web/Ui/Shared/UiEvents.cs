namespace Madoguchi.Web.Ui.Shared;

/// <summary>Tells the layout of one circuit that something it shows (the inbox list) changed on a page.</summary>
public sealed class UiEvents
{
    public event Action? InboxesChanged;

    public void NotifyInboxesChanged() => InboxesChanged?.Invoke();
}
