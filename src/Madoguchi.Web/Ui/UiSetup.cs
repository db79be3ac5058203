using System.Text.Encodings.Web;
using System.Text.Unicode;
using Madoguchi.Web.Components;
using Madoguchi.Web.Ui.Accounts;
using Madoguchi.Web.Ui.Shared;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor.Services;

namespace Madoguchi.Web.Ui;

public static class UiSetup
{
    /// <summary>The Blazor UI: Razor components with interactive server rendering, MudBlazor, ja/en resources,
    /// and an authentication state that is re-checked against the database while a circuit is open.</summary>
    public static WebApplicationBuilder AddUi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddLocalization();
        // Japanese text goes out as UTF-8 characters, not as &#x...; references (smaller pages, readable source).
        services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddScoped<AuthenticationStateProvider, SessionRevalidatingAuthenticationStateProvider>();
        services.AddScoped<FreshScope>();
        services.AddScoped<UserClock>();
        services.AddScoped<UiEvents>();
        return builder;
    }

    /// <summary>Request culture, static assets, the pages, and the two small form endpoints (sign-out, language).
    /// Localization is added here, after authentication, which is fine: it only has to run before the endpoints.</summary>
    public static WebApplication MapUi(this WebApplication app)
    {
        app.UseRequestLocalization(UiCulture.ConfigureRequestLocalization);
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapSignOutEndpoints();
        app.MapCultureEndpoint();
        return app;
    }
}
