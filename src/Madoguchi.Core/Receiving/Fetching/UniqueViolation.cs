using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Madoguchi.Core.Receiving.Fetching;

/// <summary>Recognises a unique-index violation on SQLite and PostgreSQL: the last line of defence against storing a message twice.</summary>
public static class UniqueViolation
{
    public static bool Is(DbUpdateException exception) => exception.InnerException switch
    {
        // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    /// <summary>A commit that lost a race and may simply be tried again: a unique violation, or a deadlock or serialization
    /// failure between two fetchers inserting the same messages (EF wraps transient ones in InvalidOperationException).</summary>
    public static bool IsRace(Exception exception) => exception switch
    {
        DbUpdateException update when Is(update) => true,
        DbUpdateException { InnerException: PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure } } => true,
        InvalidOperationException { InnerException: { } inner } => IsRace(inner),
        _ => false,
    };
}
