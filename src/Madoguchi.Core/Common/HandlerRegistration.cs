using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Core.Common;

public static class HandlerRegistration
{
    /// <summary>Registers every <c>*Command</c> and <c>*Query</c> class of a feature namespace as scoped,
    /// so adding an action to a feature needs no registration line.</summary>
    public static IServiceCollection AddHandlersIn(this IServiceCollection services, string featureNamespace)
    {
        var handlers = typeof(HandlerRegistration).Assembly.GetTypes().Where(t =>
            t is { IsClass: true, IsAbstract: false, Namespace: not null }
            && (t.Namespace == featureNamespace || t.Namespace.StartsWith(featureNamespace + ".", StringComparison.Ordinal))
            && (t.Name.EndsWith("Command", StringComparison.Ordinal) || t.Name.EndsWith("Query", StringComparison.Ordinal)));
        foreach (var handler in handlers)
            services.AddScoped(handler);
        return services;
    }
}
