using System.Text.Json;
using Madoguchi.Core.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Madoguchi.Core.Tickets.Live;

/// <summary>The change feed between app instances on one PostgreSQL: every change is delivered here at once and sent with
/// <c>pg_notify</c> on one channel; a listening connection hands other instances' changes to this instance's subscribers.
/// No broker is added: the database already connects the instances. A lost listening connection is reopened; changes sent
/// meanwhile are missed by this instance's open screens until their next change (they re-read on reconnect).</summary>
public sealed partial class PostgresTicketChangeFeed(InProcessTicketChangeFeed local, IOptions<DatabaseOptions> database, ILogger<PostgresTicketChangeFeed> log)
    : BackgroundService, ITicketChangeFeed
{
    public const string Channel = "madoguchi_ticket_changes";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _instance = Guid.NewGuid().ToString("N");
    private NpgsqlDataSource? _dataSource;

    private NpgsqlDataSource DataSource => LazyInitializer.EnsureInitialized(ref _dataSource, () => NpgsqlDataSource.Create(database.Value.ConnectionString!));

    public async Task PublishAsync(TicketChange change, CancellationToken ct = default)
    {
        local.Deliver(change);
        try
        {
            await using var command = DataSource.CreateCommand("SELECT pg_notify(@channel, @payload)");
            command.Parameters.AddWithValue("channel", Channel);
            command.Parameters.AddWithValue("payload", JsonSerializer.Serialize(new Envelope(_instance, change), Json));
            await command.ExecuteNonQueryAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            SendFailed(log, e);
        }
    }

    public IDisposable Subscribe(Guid accountId, Action<TicketChange> handler) => local.Subscribe(accountId, handler);

    public IDisposable SubscribeAll(Action<TicketChange> handler) => local.SubscribeAll(handler);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await DataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => Receive(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or System.IO.IOException)
            {
                ListenFailed(log, e);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void Receive(string payload)
    {
        Envelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<Envelope>(payload, Json);
        }
        catch (JsonException)
        {
            return;
        }
        if (envelope is { Change: { } change } && envelope.Instance != _instance)
            local.Deliver(change);
    }

    public override void Dispose()
    {
        _dataSource?.Dispose();
        base.Dispose();
    }

    private sealed record Envelope(string Instance, TicketChange Change);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A ticket change could not be sent to the other instances.")]
    private static partial void SendFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for other instances' ticket changes failed; retrying.")]
    private static partial void ListenFailed(ILogger logger, Exception e);
}

/// <summary>Runs the PostgreSQL feed's listening loop when the database is PostgreSQL; does nothing on SQLite.</summary>
internal sealed class PostgresTicketChangeFeedListener(IServiceProvider services) : IHostedService
{
    private PostgresTicketChangeFeed? _feed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!TicketsServiceCollectionExtensions.IsPostgres(services))
            return Task.CompletedTask;
        _feed = (PostgresTicketChangeFeed)services.GetService(typeof(PostgresTicketChangeFeed))!;
        return _feed.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _feed?.StopAsync(cancellationToken) ?? Task.CompletedTask;
}
