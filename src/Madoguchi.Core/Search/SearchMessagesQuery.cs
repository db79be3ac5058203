using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Search;

public enum SearchSort
{
    /// <summary>Newest message first.</summary>
    Date = 0,

    /// <summary>Messages with more of the terms in their subject first, then newest first.</summary>
    Relevance = 1,
}

/// <summary>What to search for. <see cref="Assignee"/> is <c>me</c>, <c>none</c> (or <c>nobody</c>) or a user id, as in
/// the ticket list.</summary>
public sealed record SearchRequest(
    string? Query, Guid? InboxId = null, TicketStatus? Status = null, TicketPlace? Place = null, bool IncludeTrashAndSpam = false,
    DateTime? From = null, DateTime? To = null, bool? HasAttachment = null, string? Assignee = null, Guid? LabelId = null,
    SearchSort Sort = SearchSort.Date, PageRequest Page = default);

/// <summary>One matching message. <see cref="Snippet"/> is HTML: escaped text with each match in &lt;mark&gt;.</summary>
public sealed record SearchHit(
    Guid Id, Guid TicketId, Guid InboxId, string MessageId, string Subject, AddressView From, DateTime Date, TicketPlace Place,
    TicketStatus Status, string Snippet);

/// <summary>A page of search hits. <see cref="Total"/> is exact unless <see cref="TotalIsLowerBound"/>: counting stops
/// <see cref="SearchMessagesQuery.CountPastPage"/> matches past the end of the page, so a term in a third of 100,000
/// messages answers 「1,050件以上」 instead of counting all 30,000; sorted by date, it also stops where
/// <see cref="NewestMatchesWalk"/> has read its budget of messages.</summary>
public sealed record SearchResultPage(IReadOnlyList<SearchHit> Items, int Total, bool TotalIsLowerBound);

/// <summary>Finds every message of the inboxes the actor sees that contains all terms of the query (after folding, see
/// <see cref="SearchText"/>). Candidates come from the gram postings (every gram of a term, or eight spread over it, must
/// be there) plus the documents still waiting for their postings, and each candidate is then checked against its folded text, so the answer is exact: no miss (a message that
/// contains the term has all its grams) and no false hit (the text check). A two-character term is its own one gram, so
/// for it the postings alone are exact and only documents still waiting for their postings are checked against their
/// text. The page is read first; <c>total</c> is counted only when the page is full (else the page ends the matches), and then
/// only up to <see cref="CountPastPage"/> matches past the page. ゴミ箱 and 迷惑メール are left out unless asked for.
/// Sorted by date, the newest messages are read and checked one by one first (<see cref="NewestMatchesWalk"/>, the same
/// checks per message), which answers common terms without gathering every match; rare terms fall back to the postings.</summary>
public sealed class SearchMessagesQuery(MadoguchiDbContext db, IOptions<SearchIndexOptions> options)
{
    public const int MaxTerms = 10;
    public const int MaxQueryLength = 500;

    /// <summary>How many matches past the page are counted before the total is given as "at least".</summary>
    public const int CountPastPage = 1000;

    public async Task<Result<SearchResultPage>> HandleAsync(Actor actor, SearchRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Query) || request.Query.Length > MaxQueryLength)
            return new Error(ErrorKind.Invalid, "invalid_query", $"q must hold 1 to {MaxQueryLength} characters.");
        var terms = SearchText.Terms(request.Query);
        if (terms.Count == 0)
            return new Error(ErrorKind.Invalid, "invalid_query", $"q must hold 1 to {MaxQueryLength} characters.");
        if (terms.Count > MaxTerms)
            return new Error(ErrorKind.Invalid, "too_many_terms", $"q may hold at most {MaxTerms} words.");
        Guid? assigneeId = null;
        var unassigned = false;
        switch (request.Assignee)
        {
            case null:
                break;
            case "me":
                assigneeId = actor.Id;
                break;
            case "none" or "nobody":
                unassigned = true;
                break;
            default:
                if (!Guid.TryParse(request.Assignee, out var person))
                    return new Error(ErrorKind.Invalid, "invalid_assignee", "assignee must be me, none or a user id.");
                assigneeId = person;
                break;
        }

        var visible = await db.VisibleInboxIdsAsync(actor, ct);
        if (!visible.Succeeded)
            return visible.Error!;
        var inboxes = visible.Value!;
        if (request.InboxId is { } inboxId)
        {
            if (!inboxes.Contains(inboxId))
                return Error.NotFound("The inbox");
            inboxes = [inboxId];
        }
        if (inboxes.Count == 0)
            return new SearchResultPage([], 0, false);

        var accountId = actor.AccountId;
        var page = request.Page.Limit == 0 ? new PageRequest(request.Page.Offset, PageRequest.DefaultLimit) : request.Page;
        var cap = (int)Math.Min((long)page.Offset + page.Limit + CountPastPage, int.MaxValue);
        if (request.Sort == SearchSort.Date && options.Value.WalkMessages > 0)
        {
            var walk = new NewestMatchesWalk(db, Filtered(WalkScope(db, accountId, inboxes), request, assigneeId, unassigned), terms, options.Value.WalkMessages);
            if (await walk.RunAsync(page.Offset, page.Limit, cap, ct) is { } found)
                return new SearchResultPage(await HitsAsync(found.Page, terms, ct), found.Total, found.TotalIsLowerBound);
        }

        var documents = await new PostingCandidates(db).DocumentsAsync(terms, accountId, ct);
        var matches = Filtered(
            from d in documents
            join m in db.TicketMessages on d.MessageId equals m.Id
            join t in db.Tickets on m.TicketId equals t.Id
            where inboxes.Contains(t.InboxId)
            select new SearchRow { Id = m.Id, TicketId = m.TicketId, Date = m.Date, Subject = d.Subject, Place = t.Place, Status = t.Status, AssigneeId = t.AssigneeId },
            request, assigneeId, unassigned);
        List<Guid> ids;
        if (request.Sort == SearchSort.Relevance)
        {
            var s = terms.Take(4).Concat(Enumerable.Repeat("\uFFFF", 4)).Take(4).ToArray();
            string s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
            ids = await matches
                .OrderByDescending(x => (x.Subject.Contains(s0) ? 1 : 0) + (x.Subject.Contains(s1) ? 1 : 0) + (x.Subject.Contains(s2) ? 1 : 0) + (x.Subject.Contains(s3) ? 1 : 0))
                .ThenByDescending(x => x.Date).ThenByDescending(x => x.Id)
                .Select(x => x.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(ct);
        }
        else
        {
            ids = await matches.OrderByDescending(x => x.Date).ThenByDescending(x => x.Id)
                .Select(x => x.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(ct);
        }
        // A page that is not full (and not past the end) ends the matches: it tells the total without counting again.
        // Otherwise the count stops a fixed number of matches past the page: a very common term would otherwise cost a
        // walk over every match (the page's own query needs only the newest ones).
        var pageEndsTheMatches = ids.Count < page.Limit && (ids.Count > 0 || page.Offset == 0);
        var total = pageEndsTheMatches ? page.Offset + ids.Count : await matches.Select(x => x.Id).Take(cap).CountAsync(ct);
        var capped = !pageEndsTheMatches && total == cap;
        return new SearchResultPage(await HitsAsync(ids, terms, ct), total, capped);
    }

    /// <summary>Every message of these inboxes, for <see cref="NewestMatchesWalk"/> to read newest first.</summary>
    public static IQueryable<SearchRow> WalkScope(MadoguchiDbContext db, Guid? accountId, IReadOnlyCollection<Guid> inboxes) =>
        from m in db.TicketMessages
        join t in db.Tickets on m.TicketId equals t.Id
        where m.AccountId == accountId && inboxes.Contains(t.InboxId)
        select new SearchRow { Id = m.Id, TicketId = m.TicketId, Date = m.Date, Place = t.Place, Status = t.Status, AssigneeId = t.AssigneeId };

    /// <summary>The filters of the request other than its terms and the visible inboxes.</summary>
    private IQueryable<SearchRow> Filtered(IQueryable<SearchRow> matches, SearchRequest request, Guid? assigneeId, bool unassigned)
    {
        if (request.Place is { } place)
            matches = matches.Where(x => x.Place == place);
        else if (!request.IncludeTrashAndSpam)
            matches = matches.Where(x => x.Place == TicketPlace.Inbox);
        if (request.Status is { } status)
            matches = matches.Where(x => x.Status == status);
        if (request.From is { } from)
            matches = matches.Where(x => x.Date >= from);
        if (request.To is { } to)
        {
            // A date without a time means the whole of that day.
            var end = to.TimeOfDay == TimeSpan.Zero ? to.AddDays(1) : to.AddTicks(1);
            matches = matches.Where(x => x.Date < end);
        }
        if (request.HasAttachment is { } hasAttachment)
            matches = matches.Where(x => db.TicketAttachments.Any(a => a.TicketMessageId == x.Id && !a.IsInline) == hasAttachment);
        if (unassigned)
            matches = matches.Where(x => x.AssigneeId == null);
        else if (assigneeId is { } assigned)
            matches = matches.Where(x => x.AssigneeId == assigned);
        if (request.LabelId is { } label)
            matches = matches.Where(x => db.TicketLabels.Any(l => l.LabelId == label && l.TicketId == x.TicketId));
        return matches;
    }

    private async Task<List<SearchHit>> HitsAsync(List<Guid> ids, IReadOnlyList<string> terms, CancellationToken ct)
    {
        var rows = await (
            from m in db.TicketMessages.AsNoTracking()
            join t in db.Tickets on m.TicketId equals t.Id
            where ids.Contains(m.Id)
            select new { m.Id, m.TicketId, t.InboxId, m.MessageIdHeader, m.Subject, m.FromJson, m.Date, t.Place, t.Status, m.Text, m.Html })
            .ToDictionaryAsync(r => r.Id, ct);
        return ids.Where(rows.ContainsKey).Select(id => rows[id]).Select(r => new SearchHit(
            r.Id, r.TicketId, r.InboxId, r.MessageIdHeader, r.Subject, AddressView.FromJson(r.FromJson).FirstOrDefault() ?? new AddressView("", ""),
            r.Date, r.Place, r.Status, SearchSnippet.Html(SearchIndexWriter.Body(r.Text, r.Html), terms))).ToList();
    }
}
