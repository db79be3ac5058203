using System.Globalization;
using Madoguchi.Core.Search;
using Madoguchi.Core.Tickets;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.Search;

/// <summary>Full-text search over the messages of the inboxes the caller sees.</summary>
public static class SearchEndpoints
{
    public static void MapSearchEndpoints(this RouteGroupBuilder api)
    {
        api.MapGroup("/search").WithTags("Search").MapGet("", async (string? q, Guid? inbox, string? status, string? place, string? assignee, Guid? label,
            DateTime? from, DateTime? to, bool? includeTrashAndSpam, bool? hasAttachment, string? sort, int? offset, int? limit,
            SearchMessagesQuery query, HttpContext context, CancellationToken ct) =>
        {
            if (!ApiResults.TryPage(offset, limit, out var page, out var problem))
                return problem!;
            if (!TryParse<TicketStatus>(status, out var s))
                return ApiResults.Invalid("invalid_status", "status must be open, pending, closed or noAction.");
            if (!TryParse<TicketPlace>(place, out var p))
                return ApiResults.Invalid("invalid_place", "place must be inbox, trash or spam.");
            if (!TryParse<SearchSort>(sort, out var order))
                return ApiResults.Invalid("invalid_sort", "sort must be date or relevance.");
            var request = new SearchRequest(q, inbox, s, p, includeTrashAndSpam ?? false, from is { } f ? Utc(f) : null, to is { } t ? Utc(t) : null,
                hasAttachment, assignee, label, order ?? SearchSort.Date, page);
            return (await query.HandleAsync(context.GetActor(), request, ct)).ToHttp();
        }).WithSummary("Messages containing every word of q (Japanese substrings of two or more characters, English case-insensitive "
            + "by word prefix, full-/half-width folded), in the inboxes you can see. Trash and spam are left out unless "
            + "includeTrashAndSpam=true or place names them. from/to bound the message date (a date alone means the whole day). "
            + "snippet is HTML: escaped text with each match in <mark>. assignee (me, none or a user id) and label filter by the "
            + "message's ticket. total is exact unless totalIsLowerBound is true: counting stops "
            + SearchMessagesQuery.CountPastPage.ToString("N0", CultureInfo.InvariantCulture) + " matches past the page, or "
            + "(sorted by date) after reading the newest 2,000 messages (half of Madoguchi:Search:WalkMessages).")
            .Produces<SearchResultPage>();
    }

    private static DateTime Utc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    private static bool TryParse<TEnum>(string? text, out TEnum? value) where TEnum : struct, Enum
    {
        value = null;
        if (string.IsNullOrEmpty(text))
            return true;
        if (text.Any(char.IsDigit) || !Enum.TryParse<TEnum>(text, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            return false;
        value = parsed;
        return true;
    }
}
