namespace Madoguchi.Core.Tickets;

/// <summary>What to change on a ticket; what is not given stays as it is. Assignee and 保留理由 can be set to nobody, so
/// they come with a flag saying they were given at all.</summary>
public sealed record TicketEdit
{
    public TicketStatus? Status { get; init; }
    public TicketPlace? Place { get; init; }
    public bool SetsAssignee { get; init; }
    public Guid? AssigneeId { get; init; }
    public bool SetsPendingReason { get; init; }
    public Guid? PendingReasonId { get; init; }

    /// <summary>The ticket's labels afterwards (replaces them all).</summary>
    public IReadOnlyList<Guid>? LabelIds { get; init; }

    /// <summary>Labels to add and to take off, for bulk changes.</summary>
    public IReadOnlyList<Guid>? AddLabelIds { get; init; }

    public IReadOnlyList<Guid>? RemoveLabelIds { get; init; }

    /// <summary>Move to another inbox of the account (マネージャー on both).</summary>
    public Guid? InboxId { get; init; }

    /// <summary>The version the writer saw (<c>version</c> or <c>If-Match</c>); null writes whatever the ticket is now.</summary>
    public int? ExpectedVersion { get; init; }

    public bool IsEmpty => Status is null && Place is null && !SetsAssignee && !SetsPendingReason && LabelIds is null
        && AddLabelIds is null && RemoveLabelIds is null && InboxId is null;
}
