namespace Madoguchi.Web.Ui.Shared;

/// <summary>A circuit lives for minutes or hours; one DbContext for all of it would serve stale rows and fail on
/// overlapping calls. Each UI action therefore runs its Core handler in a scope of its own.</summary>
public sealed class FreshScope(IServiceScopeFactory scopes)
{
    public async Task<TResult> RunAsync<THandler, TResult>(Func<THandler, Task<TResult>> action) where THandler : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<THandler>());
    }
}
