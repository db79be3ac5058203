using System.Collections.Concurrent;
using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Storage;
using Madoguchi.Testing.App;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Madoguchi.IntegrationTests.Data;

/// <summary>A unique-index race lost on purpose is not an error in the log; every other database failure still is.</summary>
public sealed class ExpectedRaceLoggingTests
{
    [Theory]
    [MemberData(nameof(Providers.Both), MemberType = typeof(Providers))]
    public async Task UniqueViolation_LogsAtDebug_WhileAForeignKeyViolationStillLogsAnError(DatabaseProvider provider)
    {
        var logs = new CapturedLogs();
        await using var app = await MadoguchiApp.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Debug",
        }, services: s => s.AddSingleton<ILoggerProvider>(logs));
        var account = await app.CreateAccountAsync();
        var inbox = await account.CreateInboxAsync();
        var hash = $"{Guid.NewGuid():N}{Guid.NewGuid():N}";
        await app.WithDbAsync(db =>
        {
            db.RawMessages.Add(Raw(account.Id, inbox.Id, hash));
            return db.SaveChangesAsync();
        });
        logs.Clear();

        var duplicate = await Assert.ThrowsAsync<DbUpdateException>(() => app.WithDbAsync(db =>
        {
            db.RawMessages.Add(Raw(account.Id, inbox.Id, hash));
            return db.SaveChangesAsync();
        }));
        var afterRace = logs.Snapshot();
        logs.Clear();
        var orphan = await Assert.ThrowsAsync<DbUpdateException>(() => app.WithDbAsync(db =>
        {
            db.RawMessages.Add(Raw(Guid.NewGuid(), inbox.Id, $"{Guid.NewGuid():N}{Guid.NewGuid():N}"));
            return db.SaveChangesAsync();
        }));
        var afterOther = logs.Snapshot();

        Assert.True(Core.Receiving.Fetching.UniqueViolation.Is(duplicate));
        Assert.DoesNotContain(afterRace, e => e.Level >= LogLevel.Warning);
        Assert.Contains(afterRace, e => e.Level == LogLevel.Debug && e.Category == DbLoggerCategory.Database.Command.Name
            && e.Message.Contains("Failed executing DbCommand", StringComparison.Ordinal));
        Assert.False(Core.Receiving.Fetching.UniqueViolation.Is(orphan));
        Assert.Contains(afterOther, e => e.Level == LogLevel.Error && e.Category == DbLoggerCategory.Database.Command.Name
            && e.Message.Contains("Failed executing DbCommand", StringComparison.Ordinal) && e.Exception is not null);
        Assert.Contains(afterOther, e => e.Level == LogLevel.Error && e.Category == DbLoggerCategory.Update.Name);
    }

    private static RawMessage Raw(Guid accountId, Guid inboxId, string hash) => new()
    {
        AccountId = accountId, InboxId = inboxId, BlobHash = hash, Size = 1, ReceivedAt = DateTime.UtcNow, ProcessedAt = DateTime.UtcNow,
    };

    private sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<Entry> _entries = new();

        public void Clear() => _entries.Clear();

        public List<Entry> Snapshot() => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
        }
    }
}
