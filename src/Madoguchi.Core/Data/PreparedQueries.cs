using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Madoguchi.Core.Data;

/// <summary>The few queries that run on every request of the screens used all day (the API token or session, the visible
/// inboxes, the ticket list's page and total) are marked with <see cref="Prepared{T}"/>. On PostgreSQL
/// they are then prepared on each physical connection the first time they run there, so later runs skip parsing and,
/// after five runs, planning (PostgreSQL keeps one generic plan when it is not dearer than a fresh one; planning the
/// ticket page cost more than running it). Only marked queries: a generic plan is chosen without the parameters' values,
/// and search over skewed postings (a gram in 3 messages or in 300,000) is where that goes wrong. Every marked query's
/// generic plan is checked against the plan made for its values (<c>PreparedQueryPlanTests</c>). SQLite: a comment only.</summary>
public static class PreparedQueries
{
    /// <summary>The comment EF writes before a marked query's SQL (<c>-- madoguchi:prepare</c>).</summary>
    public const string Tag = "madoguchi:prepare";

    private const string Marker = "-- " + Tag;

    /// <summary>Marks a query to be prepared on PostgreSQL. Only for queries whose generic plan is as good as a fresh one
    /// for every value (see the class summary).</summary>
    public static IQueryable<T> Prepared<T>(this IQueryable<T> query) => query.TagWith(Tag);

    /// <summary>Whether a command's SQL carries the mark.</summary>
    public static bool IsMarked(DbCommand command) => command.CommandText.StartsWith(Marker, StringComparison.Ordinal);

    internal static void Configure(DbContextOptionsBuilder options) => options.AddInterceptors(new Preparer());

    /// <summary>Prepares a marked command before it runs. Npgsql keeps a prepared statement on its physical connection
    /// across pool returns, so preparing the same SQL again there is a lookup, not a round trip.</summary>
    private sealed class Preparer : DbCommandInterceptor
    {
        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            if (command is NpgsqlCommand npgsql && IsMarked(command))
                npgsql.Prepare();
            return result;
        }

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command is NpgsqlCommand npgsql && IsMarked(command))
                await npgsql.PrepareAsync(cancellationToken);
            return result;
        }
    }
}
