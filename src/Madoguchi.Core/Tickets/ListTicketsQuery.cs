using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets;

/// <summary>How a ticket list is ordered.</summary>
public enum TicketSort
{
    /// <summary>Newest last message first (the default).</summary>
    LastMessage,

    /// <summary>Oldest last message first: who has waited longest.</summary>
    Oldest,

    /// <summary>Newest ticket first, by when it was created.</summary>
    Created,
}

/// <summary>Which tickets to list: one inbox or every visible one, one status or all, one place (the inbox by default);
/// optionally only one assignee's (or nobody's), one label's, one 保留理由's (or none's); in one order.</summary>
public sealed record TicketListRequest(Guid? InboxId, TicketStatus? Status, TicketPlace Place, PageRequest Page)
{
    /// <summary>Only tickets assigned to nobody.</summary>
    public bool Unassigned { get; init; }

    public Guid? AssigneeId { get; init; }
    public Guid? LabelId { get; init; }

    /// <summary>Only 保留 tickets without a reason (保留理由なし).</summary>
    public bool WithoutPendingReason { get; init; }

    public Guid? PendingReasonId { get; init; }
    public TicketSort Sort { get; init; }
}

/// <summary>Tickets of a tab. Pages are cut on the (inbox, place, status, …) indexes over ids only, then the rows of that
/// page and their labels are read, so a page of an inbox with 100,000 tickets costs an index walk, not a table scan. The
/// total of a full page comes from the kept bucket counts, or is counted for a filtered tab (see bench/README.md,
/// "Ticket list").</summary>
public sealed class ListTicketsQuery(MadoguchiDbContext db)
{
    public async Task<Result<Page<TicketListItem>>> HandleAsync(Actor actor, TicketListRequest request, CancellationToken ct)
    {
        var visible = await db.VisibleInboxIdsAsync(actor, ct);
        if (!visible.Succeeded)
            return visible.Error!;
        if (request.InboxId is { } inboxId && !visible.Value!.Contains(inboxId))
            return Error.NotFound("The inbox");
        var query = Filter(db, actor.AccountId!.Value, visible.Value!, request);

        var ids = await Order(query, request.Sort).Select(t => t.Id).Skip(request.Page.Offset).Take(request.Page.Limit).ToListAsync(ct);
        // A page that is not full already says how many there are. A full page of a whole bucket (inbox, place, status,
        // 保留理由: what the tabs show unfiltered) reads the counts the database keeps; only a filtered tab (assignee, label)
        // counts its tickets.
        var total = ids.Count < request.Page.Limit && (ids.Count > 0 || request.Page.Offset == 0)
            ? request.Page.Offset + ids.Count
            : IsWholeBucket(request)
                ? await Buckets(db, visible.Value!, request).SumAsync(d => d.Delta, ct)
                : await query.CountAsync(ct);
        // The page's rows with their labels, paper-clip (an attachment that is not an inline image of the HTML body) and
        // the actor's own unread mark (opened since the newest message, or not), in one query.
        var rows = (await db.Tickets.AsNoTracking().Where(t => ids.Contains(t.Id)).Select(t => new
        {
            Ticket = t,
            Labels = db.TicketLabels.Where(x => x.TicketId == t.Id).Select(x => x.LabelId).ToList(),
            HasFiles = db.TicketMessages.Any(m => m.TicketId == t.Id && db.TicketAttachments.Any(a => a.TicketMessageId == m.Id && !a.IsInline)),
            ReadAt = db.TicketReads.Where(r => r.UserId == actor.Id && r.TicketId == t.Id).Select(r => (DateTime?)r.ReadAt).FirstOrDefault(),
        }).ToListAsync(ct)).ToDictionary(r => r.Ticket.Id);
        var items = ids.Where(rows.ContainsKey)
            .Select(id => TicketListItem.Of(rows[id].Ticket, rows[id].Labels.Order().ToList()) with
            {
                HasAttachments = rows[id].HasFiles,
                Unread = Reads.TicketRead.IsUnread(rows[id].ReadAt, rows[id].Ticket.LastMessageAt),
            }).ToList();
        return new Page<TicketListItem>(items, total);
    }

    /// <summary>The tickets a request names, unordered (also used to check the query plans).</summary>
    public static IQueryable<Ticket> Filter(MadoguchiDbContext db, Guid accountId, List<Guid> visibleInboxes, TicketListRequest request)
    {
        var query = db.Tickets.AsNoTracking().Where(t => t.Place == request.Place);
        if (request.InboxId is { } inboxId)
            query = query.Where(t => t.InboxId == inboxId);
        else
            query = query.Where(t => t.AccountId == accountId && visibleInboxes.Contains(t.InboxId));
        if (request.Status is { } status)
            query = query.Where(t => t.Status == status);
        if (request.Unassigned)
            query = query.Where(t => t.AssigneeId == null);
        else if (request.AssigneeId is { } assignee)
            query = query.Where(t => t.AssigneeId == assignee);
        if (request.WithoutPendingReason)
            query = query.Where(t => t.Status == TicketStatus.Pending && t.PendingReasonId == null);
        else if (request.PendingReasonId is { } reason)
            query = query.Where(t => t.PendingReasonId == reason);
        if (request.LabelId is { } label)
            query = query.Where(t => db.TicketLabels.Any(x => x.LabelId == label && x.TicketId == t.Id));
        return query;
    }

    /// <summary>The request names only bucket columns, so its total is the sum of the kept counts.</summary>
    public static bool IsWholeBucket(TicketListRequest request) =>
        request is { Unassigned: false, AssigneeId: null, LabelId: null };

    /// <summary>The kept counts of the buckets a whole-bucket request covers (the same predicates as <see cref="Filter"/>).</summary>
    public static IQueryable<Counts.TicketBucketDelta> Buckets(MadoguchiDbContext db, List<Guid> visibleInboxes, TicketListRequest request)
    {
        var query = db.TicketBucketCounts.AsNoTracking().Where(d => d.Place == request.Place);
        query = request.InboxId is { } inboxId ? query.Where(d => d.InboxId == inboxId) : query.Where(d => visibleInboxes.Contains(d.InboxId));
        if (request.Status is { } status)
            query = query.Where(d => d.Status == status);
        if (request.WithoutPendingReason)
            query = query.Where(d => d.Status == TicketStatus.Pending && d.PendingReasonId == null);
        else if (request.PendingReasonId is { } reason)
            query = query.Where(d => d.PendingReasonId == reason);
        return query;
    }

    public static IQueryable<Ticket> Order(IQueryable<Ticket> query, TicketSort sort) => sort switch
    {
        TicketSort.Oldest => query.OrderBy(t => t.LastMessageAt).ThenBy(t => t.Id),
        TicketSort.Created => query.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id),
        _ => query.OrderByDescending(t => t.LastMessageAt).ThenByDescending(t => t.Id),
    };
}
