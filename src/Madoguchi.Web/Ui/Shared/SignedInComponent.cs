using Madoguchi.Core.Common;
using Madoguchi.Web.Authentication;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Madoguchi.Web.Ui.Shared;

/// <summary>Base of the live (interactive) pages: builds the <see cref="Actor"/> for Core handlers from the
/// circuit's authentication state and the IP captured when the page was first requested.</summary>
public abstract class SignedInComponent : ComponentBase
{
    [CascadingParameter]
    private Task<AuthenticationState>? AuthenticationState { get; set; }

    [CascadingParameter]
    private ClientAddress? Client { get; set; }

    [Inject]
    protected FreshScope Handlers { get; set; } = default!;

    /// <summary>Times in the signed-in user's zone, loaded before the page initialises.</summary>
    [Inject]
    protected UserClock Clock { get; set; } = default!;

    public override async Task SetParametersAsync(ParameterView parameters)
    {
        parameters.SetParameterProperties(this);
        await Clock.LoadAsync(await GetActorAsync());
        await base.SetParametersAsync(ParameterView.Empty);
    }

    protected async Task<Actor?> GetActorAsync()
    {
        if (AuthenticationState is null)
            return null;
        var user = (await AuthenticationState).User;
        return user.Identity?.IsAuthenticated == true ? user.ToActor(Client?.IpAddress) : null;
    }

    /// <summary>Runs a Core handler as the signed-in actor in a scope of its own.</summary>
    protected async Task<TResult> RunAsync<THandler, TResult>(Func<THandler, Actor, Task<TResult>> action) where THandler : notnull
    {
        var actor = await GetActorAsync() ?? throw new InvalidOperationException("The page needs a signed-in user.");
        return await Handlers.RunAsync<THandler, TResult>(handler => action(handler, actor));
    }
}
