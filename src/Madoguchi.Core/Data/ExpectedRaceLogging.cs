using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Madoguchi.Core.Data;

/// <summary>Several fetchers and pipeline runs insert the same rows on purpose and let a unique index pick the winner
/// (<see cref="Receiving.Fetching.UniqueViolation"/>); the loser's failed command is expected, not an error. EF's own
/// "Failed executing DbCommand" and "An exception occurred in the database while saving changes" entries are therefore
/// switched off (<see cref="Configure"/>) and written here instead, under EF's categories and event ids: at Debug for a
/// unique violation (SQLite 19/2067 or 19/1555, PostgreSQL 23505), at Error for every other failure, as before.</summary>
internal sealed class ExpectedRaceLogging(ILoggerFactory loggers) : DbCommandInterceptor, ISaveChangesInterceptor
{
    private readonly ILogger _command = loggers.CreateLogger(DbLoggerCategory.Database.Command.Name);
    private readonly ILogger _update = loggers.CreateLogger(DbLoggerCategory.Update.Name);

    public static void Configure(DbContextOptionsBuilder options, ILoggerFactory loggers)
    {
        options.ConfigureWarnings(w => w.Ignore(RelationalEventId.CommandError, CoreEventId.SaveChangesFailed));
        options.AddInterceptors(new ExpectedRaceLogging(loggers));
    }

    /// <summary>A unique-index violation, raw from the provider or wrapped by EF.</summary>
    public static bool IsUniqueViolation(Exception? exception) => exception switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        DbUpdateException or InvalidOperationException => IsUniqueViolation(exception.InnerException),
        _ => false,
    };

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => LogCommand(command, eventData);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        LogCommand(command, eventData);
        return Task.CompletedTask;
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => LogSaveChanges(eventData);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        LogSaveChanges(eventData);
        return Task.CompletedTask;
    }

    private void LogCommand(DbCommand command, CommandErrorEventData data)
    {
        var expected = IsUniqueViolation(data.Exception);
        _command.Log(expected ? LogLevel.Debug : LogLevel.Error, RelationalEventId.CommandError, expected ? null : data.Exception,
            "Failed executing DbCommand ({Elapsed}ms) [CommandType='{CommandType}', CommandTimeout='{CommandTimeout}']{NewLine}{CommandText}{Expected}",
            (long)data.Duration.TotalMilliseconds, command.CommandType, command.CommandTimeout, Environment.NewLine, command.CommandText,
            expected ? $"{Environment.NewLine}An expected unique-index race: {data.Exception.Message}" : "");
    }

    private void LogSaveChanges(DbContextErrorEventData data)
    {
        var expected = IsUniqueViolation(data.Exception);
        _update.Log(expected ? LogLevel.Debug : LogLevel.Error, CoreEventId.SaveChangesFailed, expected ? null : data.Exception,
            "An exception occurred in the database while saving changes for context type '{ContextType}'.{NewLine}{Error}",
            data.Context?.GetType().FullName, Environment.NewLine, expected ? "An expected unique-index race: " + data.Exception.Message : data.Exception.ToString());
    }
}
