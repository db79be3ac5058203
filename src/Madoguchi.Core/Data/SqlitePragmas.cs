using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Madoguchi.Core.Data;

/// <summary>Each SQLite connection waits for a busy writer instead of failing, enforces foreign keys, and commits durably.
/// <c>synchronous</c> is a per-connection setting (not kept in the file), so it is set on every connection:
/// FULL in WAL mode fsyncs the WAL at every commit, so a committed transaction survives a power cut. NORMAL (the usual WAL
/// choice, and the default some SQLite builds compile in) may lose the last commits on power loss; that would break the
/// rule that a POP3 delete or an advanced IMAP position follows a row that is on disk, so it is not used.
/// <c>temp_store = MEMORY</c>: a statement that may fail half-way inside a larger transaction (an insert into a table with a
/// trigger, such as every new ticket) keeps a statement journal of the pages it changes, and past 64 KiB SQLite writes it
/// to a temporary file: with the tickets' ten indexes that was every ticket insert, ~46 writes and ~100 µs each while
/// holding the only writer. In memory it costs a copy. Temporary data is never needed after a crash, and our largest
/// statements are bounded (deletes run in chunks), so the memory is too.</summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    /// <summary>The value <c>PRAGMA synchronous</c> reads back with <see cref="Pragmas"/> applied (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA).</summary>
    public const long Synchronous = 2;

    private const string Pragmas = "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
