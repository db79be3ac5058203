using Madoguchi.Core.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Storage use (容量): the warning threshold, the account's and the operator's views, the recount.</summary>
    public static IServiceCollection AddStorageUse(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageUseOptions>().Bind(configuration.GetSection(StorageUseOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        return services.AddHandlersIn("Madoguchi.Core.Storage");
    }
}
