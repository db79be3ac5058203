using System.Globalization;
using System.Text;
using Npgsql;

namespace Madoguchi.Testing.Servers;

/// <summary>
/// A private PostgreSQL cluster (UTF-8, C.UTF-8 locale so pg_trgm handles Japanese) on a free
/// port of 127.0.0.1. Tests normally share one per run (<see cref="GetSharedAsync"/>) and take a
/// fresh database each (<see cref="CreateDatabaseAsync"/>).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>Extra options for the server's command line (<c>-c name=value …</c>), for diagnosis only.</summary>
    public const string ExtraOptionsVariable = "MADOGUCHI_TEST_POSTGRES_OPTIONS";

    private const string OsUser = "postgres";
    private static readonly Lazy<Task<PostgresServer>> Shared = new(() => StartAsync(isShared: true));
    private static int databaseCounter;
    private readonly ServerDirectory directory;
    private readonly bool isShared;
    private int postmasterPid;

    private PostgresServer(ServerDirectory directory, int port, bool isShared)
    {
        this.directory = directory;
        Port = port;
        this.isShared = isShared;
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    public string LogPath => directory["pg/postgres.log"];

    /// <summary>Connection string of the built-in "postgres" database, for administration.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    /// <summary>The cluster shared by every test of this run; stopped when the process exits.</summary>
    public static Task<PostgresServer> GetSharedAsync() => Shared.Value;

    /// <summary>Starts a cluster of your own (for tests that stop or break the server).</summary>
    public static Task<PostgresServer> StartNewAsync() => StartAsync(isShared: false);

    private static async Task<PostgresServer> StartAsync(bool isShared)
    {
        var bin = PostgresBinaries.FindBinDirectory();
        var directory = ServerDirectory.Create("pg");
        var server = new PostgresServer(directory, FreePort.Get(), isShared);
        try
        {
            await server.InitializeClusterAsync(bin).ConfigureAwait(false);
            await server.StartClusterAsync(bin).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeCoreAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates an empty database and returns its Npgsql connection string.</summary>
    public Task<string> CreateDatabaseAsync(string? prefix = null, CancellationToken cancellationToken = default) =>
        CreateDatabaseCoreAsync(DatabaseName(prefix), template: null, cancellationToken);

    /// <summary>Creates a copy of the database <paramref name="template"/> (which nobody may be connected to) and returns
    /// its Npgsql connection string.</summary>
    public Task<string> CopyDatabaseAsync(string template, string? prefix = null, CancellationToken cancellationToken = default) =>
        CreateDatabaseCoreAsync(DatabaseName(prefix), template, cancellationToken);

    private async Task<string> CreateDatabaseCoreAsync(string name, string? template, CancellationToken cancellationToken)
    {
        var copyOf = template is null ? "" : $" TEMPLATE \"{template}\"";
        var connection = new NpgsqlConnection(AdminConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"{copyOf}", connection);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = OsUser,
            Database = database,
            // Opening a connection is a wait, not a limit under test: on a busy 2-core machine the default 15 s ran out.
            Timeout = 60,
        }.ConnectionString;

    /// <summary>The shared cluster ignores Dispose; it lives until the test process exits.</summary>
    public ValueTask DisposeAsync() => isShared ? ValueTask.CompletedTask : DisposeCoreAsync();

    private async ValueTask DisposeCoreAsync()
    {
        // Connections pooled by Npgsql would otherwise hold the fast shutdown up.
        NpgsqlConnection.ClearAllPools();
        if (postmasterPid != 0)
        {
            UnixProcess.Signal(postmasterPid, UnixProcess.SigInt); // "fast" shutdown.
            if (!await UnixProcess.WaitForExitAsync(postmasterPid, TimeSpan.FromSeconds(20)).ConfigureAwait(false))
            {
                UnixProcess.Signal(postmasterPid, UnixProcess.SigQuit);
                await UnixProcess.WaitForExitAsync(postmasterPid, TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }

            directory.ForgetServer();
            postmasterPid = 0;
        }

        directory.Delete();
    }

    private async Task InitializeClusterAsync(string bin)
    {
        // initdb refuses to run as root; postgres owns everything below pg/ (data, socket, log).
        var pgDirectory = directory.CreateSubdirectory("pg");
        await ExternalCommand.RunAsync("chown", [OsUser + ":", pgDirectory]).ConfigureAwait(false);
        await RunAsPostgresAsync(
            Path.Combine(bin, "initdb"),
            "-D", DataDirectory, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--username=" + OsUser, "--no-sync")
            .ConfigureAwait(false);
    }

    private async Task StartClusterAsync(string bin)
    {
        // MADOGUCHI_TEST_POSTGRES_OPTIONS adds server options for a diagnosis (the ticket bench's --statements loads
        // pg_stat_statements with it); tests never set it.
        var serverOptions = string.Create(
            CultureInfo.InvariantCulture,
            $"-p {Port} -k {directory["pg"]} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=1000 {Environment.GetEnvironmentVariable(ExtraOptionsVariable)}");
        try
        {
            // -w: pg_ctl returns once the server accepts connections.
            await RunAsPostgresAsync(
                Path.Combine(bin, "pg_ctl"), "-D", DataDirectory, "-l", LogPath, "-w", "-t", "60", "-o", serverOptions, "start")
                .ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{e.Message}\nServer log:\n{ReadLog()}", e);
        }

        postmasterPid = int.Parse(
            File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        directory.RecordServer(postmasterPid, UnixProcess.SigQuit);
    }

    private string DataDirectory => directory["pg/data"];

    private static Task<string> RunAsPostgresAsync(string program, params string[] arguments) =>
        ExternalCommand.RunAsync("runuser", ["-u", OsUser, "--", program, .. arguments]);

    private string ReadLog() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : "(no log)";

    private static string DatabaseName(string? prefix)
    {
        var clean = new StringBuilder();
        foreach (var c in (prefix ?? "test").ToLowerInvariant())
        {
            clean.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        var counter = Interlocked.Increment(ref databaseCounter);
        var suffix = string.Create(CultureInfo.InvariantCulture, $"_{counter}_{Guid.NewGuid().ToString("N")[..6]}");
        var head = clean.ToString();
        return head[..Math.Min(head.Length, 63 - suffix.Length)] + suffix;
    }
}
