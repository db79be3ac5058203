using Madoguchi.Core.Data;
using Xunit;

namespace Madoguchi.Testing.App;

/// <summary>One app per database provider for a whole test class, started on first use. Tests share it and
/// keep apart by each working in an account of their own (<see cref="MadoguchiApp.CreateAccountAsync"/>).</summary>
public class AppFixture : IAsyncLifetime
{
    private readonly Dictionary<DatabaseProvider, Lazy<Task<MadoguchiApp>>> _apps;

    public AppFixture()
        : this(kestrel: false)
    {
    }

    /// <param name="kestrel">Serve over a real socket on 127.0.0.1, for tests that need what only a real connection has (the client's IP address).</param>
    protected AppFixture(bool kestrel) => _apps = Enum.GetValues<DatabaseProvider>()
        .ToDictionary(p => p, p => new Lazy<Task<MadoguchiApp>>(() => MadoguchiApp.StartAsync(p, kestrel: kestrel)));

    public Task<MadoguchiApp> GetAsync(DatabaseProvider provider) => _apps[provider].Value;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var app in _apps.Values.Where(a => a.IsValueCreated))
        {
            try
            {
                await (await app.Value).DisposeAsync();
            }
            catch (InvalidOperationException)
            {
                // The app never started; its test already reported why.
            }
        }
    }
}

/// <summary>As <see cref="AppFixture"/>, served by Kestrel on 127.0.0.1.</summary>
public sealed class KestrelAppFixture() : AppFixture(kestrel: true);
