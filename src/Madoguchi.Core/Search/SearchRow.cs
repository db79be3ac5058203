namespace Madoguchi.Core.Search;

/// <summary>A message a search may return (visible, and past every filter but the terms), with what the filters and the
/// sorts read. Projected by <see cref="SearchMessagesQuery"/> so both ways of answering apply the same filters.</summary>
public sealed class SearchRow
{
    public Guid Id { get; init; }
    public Guid TicketId { get; init; }
    public DateTime Date { get; init; }
    public string Subject { get; init; } = "";
    public Tickets.TicketPlace Place { get; init; }
    public Tickets.TicketStatus Status { get; init; }
    public Guid? AssigneeId { get; init; }
}
