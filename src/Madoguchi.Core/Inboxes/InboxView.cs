namespace Madoguchi.Core.Inboxes;

/// <summary>An inbox as its viewer sees it, with the viewer's own effective role.</summary>
public sealed record InboxView(Guid Id, string Name, string Colour, InboxRole MyRole, DateTime CreatedAt);
