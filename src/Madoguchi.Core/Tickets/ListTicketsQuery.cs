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

/// <summary>Tickets of a tab. The page is cut on the (inbox, place, status, …) indexes over ids only, and the rows of
/// that page, their labels, paper-clip and the actor's unread mark are read in the same query, so a page of an inbox with
/// 100,000 tickets costs an index walk, not a table scan. The total of a full page comes from the kept bucket or label counts, or
/// is counted for a tab filtered by assignee, in the page's own query; a deep page of a whole bucket is walked from the nearer
/// end (see bench/README.md, "Ticket list").</summary>
public sealed class ListTicketsQuery(MadoguchiDbContext db, Counts.CompactTicketBucketCountsCommand compact)
{
    public async Task<Result<Page<TicketListItem>>> HandleAsync(Actor actor, TicketListRequest request, CancellationToken ct)
    {
        // One inbox (what the screens ask for): whether the actor sees it is tested inside each query, not read first; an
        // empty answer then asks whether the inbox is visible at all (404). Every inbox: the visible ones are read first.
        List<Guid> visible;
        if (request.InboxId is { } inboxId && actor.IsUser)
            visible = [inboxId];
        else
        {
            var seen = await db.VisibleInboxIdsAsync(actor, ct);
            if (!seen.Succeeded)
                return seen.Error!;
            visible = seen.Value!;
        }
        var page = await PageAsync(actor, visible, request, ct);
        if (page.Items.Count == 0 && request.InboxId is { } asked)
        {
            var seen = await db.VisibleInboxIdsAsync(actor, ct);
            if (!seen.Succeeded)
                return seen.Error!;
            if (!seen.Value!.Contains(asked))
                return Error.NotFound("The inbox");
        }
        return page;
    }

    private async Task<Page<TicketListItem>> PageAsync(Actor actor, List<Guid> visible, TicketListRequest request, CancellationToken ct)
    {
        var query = Filter(db, actor, visible, request);
        var (offset, limit) = (request.Page.Offset, request.Page.Limit);

        // A page past the start of a whole bucket (inbox, place, status, 保留理由: what the tabs show unfiltered) or of a
        // label in one reads the count the database keeps first: a page nearer the end is then cut walking backwards, so
        // the last page of 72,000 tickets skips 0 index entries instead of 71,950.
        var kept = KeptTotal(db, actor, visible, request);
        int? total = null;
        var backwards = false;
        if (offset > 0 && kept is not null)
        {
            total = await SumKeptAsync(kept, request, ct);
            if (offset >= total)
                return new Page<TicketListItem>([], total.Value);
            backwards = total.Value - offset - limit < offset;
        }
        var pageIds = backwards
            ? Order(query, request.Sort, backwards: true).Select(t => t.Id).Skip(Math.Max(0, total!.Value - offset - limit)).Take(Math.Min(limit, total.Value - offset))
            : Order(query, request.Sort).Select(t => t.Id).Skip(offset).Take(limit);
        // A label tab's page is planned for its label: walking the bucket for a common label, the label's tickets for a rare
        // one; one generic plan cannot be both (PreparedQueryPlanTests).
        IQueryable<T> PreparedUnlessLabel<T>(IQueryable<T> q) => request.LabelId is null ? q.Prepared() : q;
        var page = Rows(db, pageIds, request.Sort, actor.Id);
        List<TicketListRow> rows;
        if (total is null)
        {
            // The page reads its tab's total in the same query, as a subquery both databases run once (one round trip, not
            // two): the sum of the kept counts of a whole bucket or of a label in one, else (a tab filtered by assignee, or
            // by label and 保留理由 at once) a count of its tickets.
            var withTotal = kept is not null
                ? page.Select(r => new RowAndTotal(r, kept.Sum(), kept.Count()))
                : page.Select(r => new RowAndTotal(r, query.Count(), 0));
            var read = await PreparedUnlessLabel(withTotal).ToListAsync(ct);
            rows = read.Select(r => r.Row).ToList();
            // A page that is not full already says how many there are.
            if (rows.Count < limit && (rows.Count > 0 || offset == 0))
                total = offset + rows.Count;
            else if (rows.Count > 0)
                total = await FoldIfPiledUpAsync(request, read[0].Total, read[0].KeptRows, ct);
            else // a counted tab asked past its end: no row carried the count
                total = await query.Prepared().CountAsync(ct);
        }
        else
            rows = await PreparedUnlessLabel(page).ToListAsync(ct);

        var items = rows.Select(r => new TicketListItem(
                r.Id, r.InboxId, r.Subject, r.Status, r.Place, r.MessageCount, r.LastMessageAt, r.CreatedAt, new AddressView(r.FromName, r.FromAddress),
                r.AssigneeId, r.PendingReasonId, SplitLabelIds(r.LabelIds), r.Version)
            {
                HasAttachments = r.HasAttachments,
                Unread = Reads.TicketRead.IsUnread(r.ReadAt, r.LastMessageAt),
            }).ToList();
        return new Page<TicketListItem>(items, total.Value);
    }

    /// <summary>A row's label ids, read as one comma-separated text (see <see cref="Rows"/>), in order.</summary>
    private static List<Guid> SplitLabelIds(string? joined) =>
        string.IsNullOrEmpty(joined) ? [] : [.. joined.Split(',').Select(Guid.Parse).Order()];

    /// <summary>The rows of a page, in the list's order, with their labels (their ids joined into one text by the database:
    /// a joined collection would repeat a row per label and make EF build a list per row), paper-clip (kept on the ticket:
    /// an attachment that is not an inline image of the HTML body) and the reader's own unread mark (when they opened it),
    /// as one query: the page's ids are its subquery (also used to check the query plans).</summary>
    public static IQueryable<TicketListRow> Rows(MadoguchiDbContext db, IQueryable<Guid> pageIds, TicketSort sort, Guid readerId) =>
        Order(db.Tickets.AsNoTracking().Where(t => pageIds.Contains(t.Id)), sort).Select(t => new TicketListRow(
            t.Id, t.InboxId, t.Subject, t.Status, t.Place, t.MessageCount, t.LastMessageAt, t.CreatedAt, t.FromName, t.FromAddress,
            t.AssigneeId, t.PendingReasonId, t.Version,
            db.TicketLabels.Where(x => x.TicketId == t.Id).GroupBy(x => x.TicketId)
                .Select(g => string.Join(",", g.Select(x => x.LabelId.ToString()))).FirstOrDefault(),
            t.HasAttachments,
            db.TicketReads.Where(r => r.UserId == readerId && r.TicketId == t.Id).Select(r => (DateTime?)r.ReadAt).FirstOrDefault()));

    /// <summary>The tickets a request names that the actor sees, unordered (also used to check the query plans): of one inbox
    /// while the actor sees it, or of the <paramref name="visibleInboxes"/> read before.</summary>
    public static IQueryable<Ticket> Filter(MadoguchiDbContext db, Actor actor, List<Guid> visibleInboxes, TicketListRequest request)
    {
        var query = db.Tickets.AsNoTracking().Where(t => t.Place == EF.Constant(request.Place));
        var accountId = actor.AccountId!.Value;
        if (request.InboxId is { } inboxId)
            query = query.Where(t => t.InboxId == inboxId).WhereSeesInbox(db, actor, inboxId);
        else
            query = query.Where(t => t.AccountId == accountId && visibleInboxes.Contains(t.InboxId));
        if (request.Status is { } status)
            query = query.Where(t => t.Status == EF.Constant(status));
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

    /// <summary>The request names a label and only the columns the label counts are kept by (inbox, place, status), so its
    /// total is the sum of the kept label counts.</summary>
    public static bool IsWholeLabel(TicketListRequest request) =>
        request is { Unassigned: false, AssigneeId: null, LabelId: not null, WithoutPendingReason: false, PendingReasonId: null };

    /// <summary>The kept counts that sum to the request's total, or null when none are kept for its filters.</summary>
    public static IQueryable<int>? KeptTotal(MadoguchiDbContext db, Actor actor, List<Guid> visibleInboxes, TicketListRequest request) =>
        IsWholeBucket(request) ? Buckets(db, actor, visibleInboxes, request).Select(d => d.Delta)
        : IsWholeLabel(request) ? LabelBuckets(db, actor, visibleInboxes, request).Select(d => d.Delta)
        : null;

    /// <summary>The kept label counts a whole-label request covers (the same predicates as <see cref="Filter"/>).</summary>
    public static IQueryable<Counts.TicketLabelDelta> LabelBuckets(MadoguchiDbContext db, Actor actor, List<Guid> visibleInboxes, TicketListRequest request)
    {
        var query = db.TicketLabelCounts.AsNoTracking().Where(d => d.LabelId == request.LabelId && d.Place == EF.Constant(request.Place));
        query = request.InboxId is { } inboxId
            ? query.Where(d => d.InboxId == inboxId).WhereSeesInbox(db, actor, inboxId)
            : query.Where(d => visibleInboxes.Contains(d.InboxId));
        if (request.Status is { } status)
            query = query.Where(d => d.Status == EF.Constant(status));
        return query;
    }

    /// <summary>The sum of kept counts. Label counts also change without any bucket change (a label put on and taken
    /// off), which the navigation's fold does not notice: a label tab whose rows have piled up folds its inbox's rows.</summary>
    private async Task<int> SumKeptAsync(IQueryable<int> kept, TicketListRequest request, CancellationToken ct)
    {
        var read = await kept.GroupBy(_ => 1).Select(g => new { Total = g.Sum(), Rows = g.Count() }).Prepared().SingleOrDefaultAsync(ct);
        return await FoldIfPiledUpAsync(request, read?.Total ?? 0, read?.Rows ?? 0, ct);
    }

    private async Task<int> FoldIfPiledUpAsync(TicketListRequest request, int total, int rows, CancellationToken ct)
    {
        if (request.LabelId is { } label && rows > CountTicketBucketsQuery.CompactAfterExtraRows)
            await compact.HandleAsync(await db.Labels.Where(l => l.Id == label).Select(l => l.InboxId).ToListAsync(ct), ct);
        return total;
    }

    /// <summary>The kept counts of the buckets a whole-bucket request covers (the same predicates as <see cref="Filter"/>).</summary>
    public static IQueryable<Counts.TicketBucketDelta> Buckets(MadoguchiDbContext db, Actor actor, List<Guid> visibleInboxes, TicketListRequest request)
    {
        var query = db.TicketBucketCounts.AsNoTracking().Where(d => d.Place == EF.Constant(request.Place));
        query = request.InboxId is { } inboxId
            ? query.Where(d => d.InboxId == inboxId).WhereSeesInbox(db, actor, inboxId)
            : query.Where(d => visibleInboxes.Contains(d.InboxId));
        if (request.Status is { } status)
            query = query.Where(d => d.Status == EF.Constant(status));
        if (request.WithoutPendingReason)
            query = query.Where(d => d.Status == TicketStatus.Pending && d.PendingReasonId == null);
        else if (request.PendingReasonId is { } reason)
            query = query.Where(d => d.PendingReasonId == reason);
        return query;
    }

    /// <summary>The list's order, or its exact reverse (<paramref name="backwards"/>: for pages nearer the end).</summary>
    public static IQueryable<Ticket> Order(IQueryable<Ticket> query, TicketSort sort, bool backwards = false) => (sort, backwards) switch
    {
        (TicketSort.Oldest, false) or (TicketSort.LastMessage, true) => query.OrderBy(t => t.LastMessageAt).ThenBy(t => t.Id),
        (TicketSort.Created, false) => query.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id),
        (TicketSort.Created, true) => query.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id),
        _ => query.OrderByDescending(t => t.LastMessageAt).ThenByDescending(t => t.Id),
    };
}

/// <summary>A row of a page with its tab's total (and, for kept totals, how many kept rows were summed), read together.</summary>
internal sealed record RowAndTotal(TicketListRow Row, int Total, int KeptRows);

/// <summary>One row of a list page as read from the database (see <see cref="ListTicketsQuery.Rows"/>); its label ids come
/// as one comma-separated text (null without labels).</summary>
public sealed record TicketListRow(
    Guid Id, Guid InboxId, string Subject, TicketStatus Status, TicketPlace Place, int MessageCount, DateTime LastMessageAt, DateTime CreatedAt,
    string FromName, string FromAddress, Guid? AssigneeId, Guid? PendingReasonId, int Version, string? LabelIds, bool HasAttachments, DateTime? ReadAt);
