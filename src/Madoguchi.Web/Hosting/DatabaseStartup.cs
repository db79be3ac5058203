using Madoguchi.Core.Data;

namespace Madoguchi.Web.Hosting;

public static class DatabaseStartup
{
    /// <summary>Migrations run when the host starts, before the workers and the first request; then Data Protection keys
    /// still stored in clear (from before the key file) are encrypted.</summary>
    public static IServiceCollection AddDatabaseMigrationAtStartup(this IServiceCollection services) =>
        services.AddHostedService<MigrateOnStart>();

    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(ct);
        await scope.ServiceProvider.GetRequiredService<Core.Data.Keys.PlaintextKeyEncryption>().HandleAsync(ct);
    }

    private sealed class MigrateOnStart(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => services.MigrateDatabaseAsync(cancellationToken);
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
