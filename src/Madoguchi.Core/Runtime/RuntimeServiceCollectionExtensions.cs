using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Core.Runtime;

public static class RuntimeServiceCollectionExtensions
{
    /// <summary>Keeps the C allocator's heap small in a long-running server (<see cref="NativeHeap"/>).</summary>
    public static IServiceCollection AddNativeHeapTrimming(this IServiceCollection services) =>
        services.AddHostedService<NativeHeapTrimmer>();
}
