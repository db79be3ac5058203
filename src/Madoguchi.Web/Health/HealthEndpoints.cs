using Madoguchi.Core.Data;

namespace Madoguchi.Web.Health;

public static class HealthEndpoints
{
    /// <summary>/healthz: the process answers. /readyz: the database answers too.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapGet("/healthz", () => TypedResults.Text("ok")).ExcludeFromDescription();
        app.MapGet("/readyz", async (MadoguchiDbContext db, CancellationToken ct) =>
        {
            bool ready;
            try
            {
                ready = await db.Database.CanConnectAsync(ct);
            }
            catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException)
            {
                ready = false;
            }
            return ready
                ? Results.Text("ready")
                : Results.Problem(statusCode: 503, title: "Not ready.", detail: "The database does not answer.");
        }).ExcludeFromDescription();
        return app;
    }
}
