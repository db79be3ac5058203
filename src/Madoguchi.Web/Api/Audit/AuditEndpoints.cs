using Madoguchi.Core.Audit;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.Audit;

public static class AuditEndpoints
{
    public static void MapAuditEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/audit-log", async (int? offset, int? limit, AuditAction? action, Guid? userId, DateTime? from, DateTime? to,
                ListAuditEntriesQuery query, HttpContext context, CancellationToken ct) =>
            ApiResults.TryPage(offset, limit, out var page, out var problem)
                ? (await query.HandleAsync(context.GetActor(), new AuditFilter(action, userId, from?.ToUniversalTime(), to?.ToUniversalTime()), page, ct)).ToHttp()
                : problem!)
            .WithTags("Audit log").WithSummary("監査ログ (owners only), newest first; filter by action, user (actor or target) and time.");
    }
}
