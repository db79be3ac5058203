using Madoguchi.Core.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Core.Plans;

public static class PlansServiceCollectionExtensions
{
    /// <summary>Plans, options, option requests and the limits they give an account.</summary>
    public static IServiceCollection AddPlans(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PlansOptions>().Bind(configuration.GetSection(PlansOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<IAccountLimitsReader, AccountLimitsReader>();
        services.AddScoped<LimitChecks>();
        services.AddScoped<AccountFeaturesReader>();
        services.AddHandlersIn("Madoguchi.Core.Plans");
        return services;
    }
}
