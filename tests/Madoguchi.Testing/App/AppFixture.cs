using Madoguchi.Core.Data;
using Xunit;

namespace Madoguchi.Testing.App;

/// <summary>One app per database provider for a whole test class, started on first use. Tests share it and
/// keep apart by each working in an account of their own (<see cref="MadoguchiApp.CreateAccountAsync"/>).</summary>
public sealed class AppFixture : IAsyncLifetime
{
    private readonly Dictionary<DatabaseProvider, Lazy<Task<MadoguchiApp>>> _apps = Enum.GetValues<DatabaseProvider>()
        .ToDictionary(p => p, p => new Lazy<Task<MadoguchiApp>>(() => MadoguchiApp.StartAsync(p)));

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
