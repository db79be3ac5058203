using System.ComponentModel.DataAnnotations;

namespace Madoguchi.Core.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Bound from <c>Madoguchi:Database</c>. SQLite under the data folder unless told otherwise.</summary>
public sealed class DatabaseOptions : IValidatableObject
{
    public const string SectionName = "Madoguchi:Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Required for PostgreSQL. For SQLite it defaults to <c>madoguchi.db</c> in the data folder.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>SQLite: when the write-ahead log (<c>madoguchi.db-wal</c>) passes this size, it is checkpointed and emptied
    /// (<see cref="SqliteWalCheckpointer"/>). 0 leaves it to SQLite alone.</summary>
    public long WalTruncateBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How often the log's size is looked at.</summary>
    public TimeSpan WalCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>PostgreSQL: prepare the queries every screen runs (<see cref="PreparedQueries"/>). Off only for a connection
    /// pooler that cannot keep prepared statements (PgBouncer before 1.21 in transaction mode).</summary>
    public bool PrepareStatements { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
            yield return new ValidationResult(
                "Madoguchi:Database:Provider is Postgres but Madoguchi:Database:ConnectionString is empty. Set it, e.g. MADOGUCHI_DATABASE__CONNECTIONSTRING=\"Host=127.0.0.1;Database=madoguchi;Username=madoguchi;Password=…\".",
                [nameof(ConnectionString)]);
    }
}

/// <summary>Bound from <c>Madoguchi</c>: where the installation keeps its files.</summary>
public sealed class StorageLocationOptions
{
    public const string SectionName = "Madoguchi";

    /// <summary>Relative paths are resolved from the working directory the process was started in.</summary>
    public string DataDirectory { get; set; } = "data";

    public string FullDataDirectory => Path.GetFullPath(DataDirectory);
}
