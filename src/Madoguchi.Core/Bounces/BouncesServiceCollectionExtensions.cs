using Madoguchi.Core.Common;
using Madoguchi.Core.Receiving.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Core.Bounces;

public static class BouncesServiceCollectionExtensions
{
    /// <summary>Bounce recognition in the inbound pipeline (two steps) and the hard-bounce queries.</summary>
    public static IServiceCollection AddBounces(this IServiceCollection services)
    {
        services.AddScoped<IInboundStep, BounceDetectionStep>();
        services.AddScoped<IInboundStep, BounceMatchingStep>();
        return services.AddHandlersIn("Madoguchi.Core.Bounces");
    }
}
