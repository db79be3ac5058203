using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Tickets;
using Madoguchi.IntegrationTests.Data;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.IntegrationTests.Tickets;

/// <summary>Every tab, filter and sort of the ticket list is answered from an index, never by reading the whole tickets
/// table: checked on the query plans of both databases (PostgreSQL with sequential scans priced out, so the plan shows
/// whether an index can serve the query at all, whatever the table's size).</summary>
public sealed class TicketListPlanTests(AppFixture apps) : IClassFixture<AppFixture>
{
    [Theory, MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task EveryFilterAndSort_UsesAnIndex_NeverScansTickets(DatabaseProvider provider)
    {
        var app = await apps.GetAsync(provider);
        var inbox = Guid.NewGuid();
        var page = new PageRequest(0, 50);
        var requests = new Dictionary<string, TicketListRequest>
        {
            ["open tab"] = new(inbox, TicketStatus.Open, TicketPlace.Inbox, page),
            ["open tab, oldest"] = new(inbox, TicketStatus.Open, TicketPlace.Inbox, page) { Sort = TicketSort.Oldest },
            ["open tab, created"] = new(inbox, TicketStatus.Open, TicketPlace.Inbox, page) { Sort = TicketSort.Created },
            ["trash tab"] = new(inbox, null, TicketPlace.Trash, page),
            ["mine"] = new(inbox, TicketStatus.Open, TicketPlace.Inbox, page) { AssigneeId = Guid.NewGuid() },
            ["nobody's"] = new(inbox, TicketStatus.Open, TicketPlace.Inbox, page) { Unassigned = true },
            ["label"] = new(inbox, TicketStatus.Open, TicketPlace.Inbox, page) { LabelId = Guid.NewGuid() },
            ["pending reason"] = new(inbox, TicketStatus.Pending, TicketPlace.Inbox, page) { PendingReasonId = Guid.NewGuid() },
            ["no pending reason"] = new(inbox, TicketStatus.Pending, TicketPlace.Inbox, page) { WithoutPendingReason = true },
            ["every inbox"] = new(null, TicketStatus.Open, TicketPlace.Inbox, page),
        };

        var failures = await QueryPlans.CheckAsync(app, provider, async db =>
        {
            var found = new List<string>();
            foreach (var (name, request) in requests)
            {
                foreach (var backwards in new[] { false, true })
                {
                    var ids = ListTicketsQuery.Order(ListTicketsQuery.Filter(db, Actor.User(Guid.NewGuid(), Guid.NewGuid(), "plan@example.com", null), [inbox, Guid.NewGuid()], request), request.Sort, backwards)
                        .Select(t => t.Id).Skip(request.Page.Offset).Take(request.Page.Limit);
                    // The page's ids alone, and the query that reads the page's rows, labels, paper-clip and unread mark around them.
                    foreach (var (what, command) in new[] { ("ids", ids.CreateDbCommand()), ("rows", ListTicketsQuery.Rows(db, ids, request.Sort, Guid.NewGuid()).CreateDbCommand()) })
                    {
                        var plan = await QueryPlans.ExplainAsync(command, provider);
                        var scans = plan.Where(line => QueryPlans.IsScan(line, provider)).ToList();
                        if (scans.Count > 0)
                            found.Add($"{name}{(backwards ? ", backwards" : "")} ({what}): {string.Join(" / ", plan)}");
                    }
                }
            }
            return found;
        });

        Assert.Empty(failures);
    }
}
