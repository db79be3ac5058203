using Xunit;

namespace Madoguchi.Testing.Servers;

/// <summary>One Dovecot per test class: <c>IClassFixture&lt;DovecotFixture&gt;</c>. Give each test its own user.</summary>
public sealed class DovecotFixture : IAsyncLifetime
{
    private DovecotServer? server;
    private int userCounter;

    public DovecotServer Server => server ?? throw new InvalidOperationException("The fixture has not started yet.");

    /// <summary>A fresh user with a random password, so tests of one class do not see each other's mail.</summary>
    public Task<MailboxUser> AddUniqueUserAsync(string prefix = "user") =>
        Server.AddUserAsync($"{prefix}{Interlocked.Increment(ref userCounter)}", Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync() => server = await DovecotServer.StartNewAsync();

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
