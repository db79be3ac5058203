using System.Globalization;
using Madoguchi.Web.Components;
using Microsoft.AspNetCore.Localization;

namespace Madoguchi.Web.Ui;

/// <summary>The Blazor Web App: server-rendered pages, Japanese and English strings from .resx.</summary>
public static class UiSetup
{
    private static readonly CultureInfo[] Cultures = [new("ja"), new("en")];

    public static WebApplicationBuilder AddUi(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        builder.Services.AddLocalization();
        return builder;
    }

    public static WebApplication MapUi(this WebApplication app)
    {
        app.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture("ja"),
            SupportedCultures = Cultures,
            SupportedUICultures = Cultures,
        });
        app.MapStaticAssets();
        app.MapRazorComponents<App>();
        return app;
    }
}
