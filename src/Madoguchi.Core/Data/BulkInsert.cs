using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Madoguchi.Core.Data;

/// <summary>Writes the context's added entities of the given types with parameterized <c>INSERT</c>s (PostgreSQL: multi-row
/// statements; SQLite: one compiled single-row statement run for each row), in the current transaction, and marks them saved, so the <c>SaveChanges</c> that follows only has the rest (updates,
/// deletes) to do. Same columns, same values and same parameter types as EF's own inserts (each value goes through the
/// property's type mapping and converters), on SQLite and PostgreSQL alike; ids are the ones already on the entities.
/// A failing statement (a unique index, a foreign key) throws <see cref="DbUpdateException"/> as SaveChanges would, and
/// leaves every entry as it was.</summary>
public static class BulkInsert
{
    /// <summary>PostgreSQL allows 65,535 parameters per statement.</summary>
    private const int PostgresMaxParameters = 30_000;

    /// <param name="types">Entity types in insert order (principals before dependents). A type that has deleted entries
    /// in the context (SaveChanges orders deletes before inserts: a replaced row may reuse a unique key), or a row whose
    /// value the database generates, is left to SaveChanges, as are the types after it.</param>
    public static async Task InsertAddedAsync(DbContext db, IReadOnlyList<Type> types, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Bulk inserts run inside the caller's transaction.");
        // A caller that turned automatic detection off has the states as it wants them (as SaveChanges does).
        if (db.ChangeTracker.AutoDetectChangesEnabled)
            db.ChangeTracker.DetectChanges();
        var byType = db.ChangeTracker.Entries().GroupBy(e => e.Metadata.ClrType).ToDictionary(g => g.Key, g => g.ToList());
        var written = new List<EntityEntry>();
        foreach (var type in types)
        {
            var entries = byType.GetValueOrDefault(type) ?? [];
            if (entries.Exists(e => e.State == EntityState.Deleted))
                break;
            var added = entries.Where(e => e.State == EntityState.Added).ToList();
            if (added.Count == 0)
                continue;
            if (added.Exists(NeedsStoreGeneratedValue))
                break;
            try
            {
                await InsertAsync(db, db.Model.FindEntityType(type)!, added, ct);
            }
            catch (DbException e)
            {
                throw new DbUpdateException($"Inserting {type.Name} rows failed: {e.Message}", e, added);
            }
            written.AddRange(added);
        }

        // Only once every statement succeeded: the caller's transaction rolls back on failure, and the entries stay Added.
        foreach (var entry in written)
            entry.State = EntityState.Unchanged;
    }

    /// <summary>A value the database would generate (an identity, a default): SaveChanges inserts it and reads it back.</summary>
    private static bool NeedsStoreGeneratedValue(EntityEntry entry) =>
        entry.Properties.Any(p => p.Metadata.ValueGenerated != ValueGenerated.Never
            && (p.IsTemporary || Equals(p.CurrentValue, p.Metadata.ClrType.IsValueType ? Activator.CreateInstance(p.Metadata.ClrType) : null)));

    private static async Task InsertAsync(DbContext db, IEntityType entityType, List<EntityEntry> entries, CancellationToken ct)
    {
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var properties = entityType.GetProperties().Where(p => p.GetComputedColumnSql() is null && p.GetColumnName(table) is not null).ToArray();
        var sql = db.GetService<ISqlGenerationHelper>();
        var head = new StringBuilder("INSERT INTO ").Append(sql.DelimitIdentifier(table.Name, table.Schema)).Append(" (")
            .AppendJoin(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!))).Append(") VALUES ").ToString();
        var mappings = properties.Select(p => p.GetRelationalTypeMapping()).ToArray();
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        if (!db.Database.IsNpgsql())
        {
            await InsertOneStatementAsync(connection, transaction, head, properties, mappings, entries, ct);
            return;
        }

        var rowsPerStatement = Math.Max(1, PostgresMaxParameters / properties.Length);
        foreach (var chunk in entries.Chunk(rowsPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var text = new StringBuilder(head);
            var n = 0;
            for (var row = 0; row < chunk.Length; row++)
            {
                text.Append(row == 0 ? "(" : ", (");
                for (var column = 0; column < properties.Length; column++)
                {
                    var name = "@p" + n++;
                    text.Append(column == 0 ? "" : ", ").Append(name);
                    var value = chunk[row].CurrentValues[properties[column]];
                    command.Parameters.Add(mappings[column].CreateParameter(command, name, value, properties[column].IsNullable));
                }
                text.Append(')');
            }
            command.CommandText = text.ToString();
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>SQLite: one single-row statement, compiled once and run for every row with that row's values. SQLite has
    /// no network round trip to save, and Microsoft.Data.Sqlite binds each parameter by name with a linear search of the
    /// statement's names, so a multi-row statement of ~1,000 parameters cost ~500,000 name comparisons (the largest single
    /// cost of the import after parsing); a compiled statement of one row binds its dozen names and skips the SQL parse.</summary>
    private static async Task InsertOneStatementAsync(DbConnection connection, DbTransaction transaction, string head, IProperty[] properties,
        RelationalTypeMapping[] mappings, List<EntityEntry> entries, CancellationToken ct)
    {
        var names = properties.Select((_, i) => "@p" + i).ToArray();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = new StringBuilder(head).Append('(').AppendJoin(", ", names).Append(')').ToString();
        foreach (var entry in entries)
        {
            command.Parameters.Clear();
            for (var column = 0; column < properties.Length; column++)
                command.Parameters.Add(mappings[column].CreateParameter(command, names[column], entry.CurrentValues[properties[column]], properties[column].IsNullable));
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
