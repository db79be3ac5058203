using Madoguchi.Core.Data.Keys;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Data;

public static class DataServiceCollectionExtensions
{
    public const string SqliteMigrationsAssembly = "Madoguchi.Migrations.Sqlite";
    public const string PostgresMigrationsAssembly = "Madoguchi.Migrations.Postgres";

    /// <summary>The database (SQLite or PostgreSQL), Data Protection keys kept in it (encrypted with a key that is not:
    /// <see cref="KeyEncryptionKey"/>), and TimeProvider.</summary>
    public static IServiceCollection AddMadoguchiData(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageLocationOptions>().Bind(configuration.GetSection(StorageLocationOptions.SectionName));
        services.AddDbContext<MadoguchiDbContext>((sp, options) =>
        {
            var database = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            var location = sp.GetRequiredService<IOptions<StorageLocationOptions>>().Value;
            Configure(options, database, location);
            ExpectedRaceLogging.Configure(options, sp.GetRequiredService<ILoggerFactory>());
        }, optionsLifetime: ServiceLifetime.Singleton); // built once, not per request: it reads only singletons
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<DataProtectionKeyOptions>().Bind(configuration.GetSection(DataProtectionKeyOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<KeyEncryptionKey>();
        services.AddScoped<PlaintextKeyEncryption>();
        services.AddDataProtection().SetApplicationName("Madoguchi").PersistKeysToDbContext<MadoguchiDbContext>();
        services.AddOptions<KeyManagementOptions>().Configure<KeyEncryptionKey>((o, key) => o.XmlEncryptor = new KeyFileXmlEncryptor(key));
        services.AddScoped<DatabaseMigrator>();
        services.AddSingleton<Storage.IBlobStore, Storage.FileBlobStore>();
        services.AddHostedService<SqliteWalCheckpointer>();
        return services;
    }

    /// <param name="compiledModel">false where the model must come from the code: the design-time factories (migrations
    /// and the compiled models are generated from it) and the tests that compare against it.</param>
    public static void Configure(DbContextOptionsBuilder options, DatabaseOptions database, StorageLocationOptions location, bool compiledModel = true)
    {
        if (compiledModel && CompiledModels.For(database.Provider) is { } model)
            options.UseModel(model);
        if (database.Provider == DatabaseProvider.Postgres)
        {
            options.UseNpgsql(database.ConnectionString, o => o.MigrationsAssembly(PostgresMigrationsAssembly));
            if (database.PrepareStatements)
                PreparedQueries.Configure(options);
            return;
        }

        options.UseSqlite(SqliteConnectionString(database, location), o => o.MigrationsAssembly(SqliteMigrationsAssembly));
        options.AddInterceptors(new SqlitePragmas());
    }

    /// <summary>The full path of a SQLite connection string's database file, or null for an in-memory database.</summary>
    public static string? SqliteFilePath(string connectionString)
    {
        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return string.IsNullOrEmpty(source) || source == ":memory:" ? null : Path.GetFullPath(source);
    }

    /// <summary>The database file under the data folder, unless a connection string is configured. Only the migrator
    /// (<paramref name="create"/>) may create the file: every other connection opens it read-write, so a file deleted
    /// under the running app makes its workers fail loudly instead of re-creating it empty.</summary>
    public static string SqliteConnectionString(DatabaseOptions database, StorageLocationOptions location, bool create = false)
    {
        if (!string.IsNullOrWhiteSpace(database.ConnectionString))
            return database.ConnectionString;
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(location.FullDataDirectory, "madoguchi.db"),
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            DefaultTimeout = 30,
            Pooling = true,
        }.ToString();
    }
}
