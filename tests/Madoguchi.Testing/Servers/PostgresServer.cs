namespace Madoguchi.Testing.Servers;

// Placeholder until the real fixture lands from the test-servers branch.
public sealed class PostgresServer
{
    public static PostgresServer Shared { get; } = new();

    public Task<string> CreateDatabaseAsync(string? prefix = null) => throw new NotSupportedException("PostgreSQL fixture not merged yet.");
}
