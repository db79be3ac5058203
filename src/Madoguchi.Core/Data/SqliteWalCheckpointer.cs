using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Data;

/// <summary>Keeps SQLite's write-ahead log short. Every commit is appended to the <c>-wal</c> file; SQLite's automatic
/// checkpoint copies it back into the database without waiting for anyone, and starts the log over only at a moment
/// when no connection is reading from it. Connections that read in overlapping turns (workers and web requests) can keep
/// that moment from ever coming; the log then grows without end, and every page read searches its index. Once the log
/// passes <see cref="DatabaseOptions.WalTruncateBytes"/>, this runs a <c>TRUNCATE</c> checkpoint: new writers wait while
/// the readers of older snapshots finish, for a short busy timeout only, so a long reader or writer merely postpones it
/// to the next look. Nothing is lost either way: a checkpoint only moves committed pages.</summary>
internal sealed class SqliteWalCheckpointer(IOptions<DatabaseOptions> database, IOptions<StorageLocationOptions> location, TimeProvider time,
    ILogger<SqliteWalCheckpointer> logger) : BackgroundService
{
    /// <summary>How long the checkpoint may hold new writers back while waiting for older readers (it tries again a
    /// second later).</summary>
    private const int BusyTimeoutMilliseconds = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = database.Value;
        if (options.Provider != DatabaseProvider.Sqlite || options.WalTruncateBytes <= 0)
            return;
        var connectionString = DataServiceCollectionExtensions.SqliteConnectionString(options, location.Value);
        if (DataServiceCollectionExtensions.SqliteFilePath(connectionString) is not { } file)
            return;
        var wal = file + "-wal";
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.WalCheckInterval, time, stoppingToken);
                var log = new FileInfo(wal);
                if (log.Exists && log.Length > options.WalTruncateBytes)
                    await CheckpointAsync(connectionString, log.Length, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                DataLog.WalCheckpointFailed(logger, e);
            }
        }
    }

    private async Task CheckpointAsync(string connectionString, long walBytes, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var timeout = connection.CreateCommand())
        {
            timeout.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};";
            await timeout.ExecuteNonQueryAsync(ct);
        }
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        await using var reader = await command.ExecuteReaderAsync(ct);
        // One row: busy (1 when readers or a writer kept it from finishing), frames in the log, frames copied back.
        if (await reader.ReadAsync(ct))
            DataLog.WalCheckpointed(logger, walBytes, reader.GetInt64(0) != 0, reader.GetInt64(1), reader.GetInt64(2));
    }
}

internal static partial class DataLog
{
    [LoggerMessage(EventId = 9401, Level = LogLevel.Debug, Message = "SQLite log of {WalBytes} bytes checkpointed: busy {Busy}, {LogFrames} frames, {CheckpointedFrames} copied back.")]
    public static partial void WalCheckpointed(ILogger logger, long walBytes, bool busy, long logFrames, long checkpointedFrames);

    [LoggerMessage(EventId = 9402, Level = LogLevel.Warning, Message = "Checkpointing SQLite's write-ahead log failed; trying again shortly.")]
    public static partial void WalCheckpointFailed(ILogger logger, Exception exception);
}
