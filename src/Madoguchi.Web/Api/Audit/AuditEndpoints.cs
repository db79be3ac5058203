using Madoguchi.Core.Audit;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.Audit;

public static class AuditEndpoints
{
    public static void MapAuditEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/audit-log", ListAsync)
            .WithTags("Audit log").WithSummary("監査ログ (owners only), newest first; filter by action (e.g. userLocked), user (actor or target) and time.");
    }

    private static async Task<IResult> ListAsync(int? offset, int? limit, string? action, Guid? userId, DateTime? from, DateTime? to,
        ListAuditEntriesQuery query, HttpContext context, CancellationToken ct)
    {
        if (!ApiResults.TryPage(offset, limit, out var page, out var problem) || !ApiResults.TryFilter<AuditAction>(action, "action", out var filter, out problem))
            return problem!;
        var result = await query.HandleAsync(context.GetActor(), new AuditFilter(filter, userId, Utc(from), Utc(to)), page, ct);
        return result.ToHttp();
    }

    /// <summary>A time without an offset is UTC, as every time in the API; never the server's zone.</summary>
    private static DateTime? Utc(DateTime? time) => time switch
    {
        null => null,
        { Kind: DateTimeKind.Unspecified } t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        { } t => t.ToUniversalTime(),
    };
}
